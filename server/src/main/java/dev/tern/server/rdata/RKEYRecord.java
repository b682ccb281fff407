package dev.tern.server.rdata;

import java.io.IOException;
import org.xbill.DNS.Compression;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Tokenizer;
import org.xbill.DNS.utils.base64;

/**
 * An RKEY record (IANA type 57, draft-reid-dnsext-rkey): flags, protocol, algorithm and a public key, laid out as
 * DNSKEY's (RFC 4034 2.1), {@code 0 3 5 <base64>}.
 */
public final class RKEYRecord extends Record {
    private int flags;
    private int protocol;
    private int algorithm;
    private byte[] key;

    public int getFlags() {
        return flags;
    }

    public int getProtocol() {
        return protocol;
    }

    public int getAlgorithm() {
        return algorithm;
    }

    public byte[] getKey() {
        return key.clone();
    }

    @Override
    protected void rrFromWire(DNSInput in) throws IOException {
        flags = in.readU16();
        protocol = in.readU8();
        algorithm = in.readU8();
        key = in.readByteArray();
    }

    @Override
    protected void rdataFromString(Tokenizer st, Name origin) throws IOException {
        flags = st.getUInt16();
        protocol = st.getUInt8();
        algorithm = st.getUInt8();
        key = st.getBase64(true);
    }

    @Override
    protected String rrToString() {
        return flags + " " + protocol + " " + algorithm + " " + base64.toString(key);
    }

    @Override
    protected void rrToWire(DNSOutput out, Compression c, boolean canonical) {
        out.writeU16(flags);
        out.writeU8(protocol);
        out.writeU8(algorithm);
        out.writeByteArray(key);
    }
}
