package dev.tern.server.rdata;

import java.io.IOException;
import java.util.Locale;
import org.xbill.DNS.Compression;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Tokenizer;
import org.xbill.DNS.utils.base16;

/**
 * A ZONEMD record (RFC 8976 2): the zone's serial, a scheme, a hash algorithm and the digest of the zone, in text
 * the digest as hexadecimal. Tern stores and serves it; it does not compute or verify it.
 */
public final class ZONEMDRecord extends Record {
    private long serial;
    private int scheme;
    private int hashAlgorithm;
    private byte[] digest;

    public long getSerial() {
        return serial;
    }

    public int getScheme() {
        return scheme;
    }

    public int getHashAlgorithm() {
        return hashAlgorithm;
    }

    public byte[] getDigest() {
        return digest.clone();
    }

    @Override
    protected void rrFromWire(DNSInput in) throws IOException {
        serial = in.readU32();
        scheme = in.readU8();
        hashAlgorithm = in.readU8();
        digest = in.readByteArray();
    }

    @Override
    protected void rdataFromString(Tokenizer st, Name origin) throws IOException {
        serial = st.getUInt32();
        scheme = st.getUInt8();
        hashAlgorithm = st.getUInt8();
        digest = st.getHex(true);
    }

    @Override
    protected String rrToString() {
        return serial + " " + scheme + " " + hashAlgorithm + " " + base16.toString(digest).toLowerCase(Locale.ROOT);
    }

    @Override
    protected void rrToWire(DNSOutput out, Compression c, boolean canonical) {
        out.writeU32(serial);
        out.writeU8(scheme);
        out.writeU8(hashAlgorithm);
        out.writeByteArray(digest);
    }
}
