package dev.tern.server.rdata;

/** An EUI64 record (RFC 7043 4): a 64-bit extended unique identifier, {@code 00-50-56-ff-fe-9b-00-e7}. */
public final class EUI64Record extends EuiRecord {
    @Override
    int length() {
        return 8;
    }
}
