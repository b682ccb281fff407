package dev.tern.server.rdata;

/** An EUI48 record (RFC 7043 3): a 48-bit MAC address, {@code 00-50-56-9b-00-e7}. */
public final class EUI48Record extends EuiRecord {
    @Override
    int length() {
        return 6;
    }
}
