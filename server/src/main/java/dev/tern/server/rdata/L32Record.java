package dev.tern.server.rdata;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.xbill.DNS.Address;
import org.xbill.DNS.Compression;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Tokenizer;

/** An L32 record (RFC 6742 2.2): a preference and a 32-bit ILNP locator written as an IPv4 address. */
public final class L32Record extends Record {
    private int preference;
    private byte[] locator;

    public int getPreference() {
        return preference;
    }

    public Inet4Address getLocator() {
        try {
            return (Inet4Address) InetAddress.getByAddress(locator);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 bytes are an IPv4 address", e);
        }
    }

    @Override
    protected void rrFromWire(DNSInput in) throws IOException {
        preference = in.readU16();
        locator = in.readByteArray(4);
    }

    @Override
    protected void rdataFromString(Tokenizer st, Name origin) throws IOException {
        preference = st.getUInt16();
        locator = st.getAddressBytes(Address.IPv4);
    }

    @Override
    protected String rrToString() {
        return preference + " " + Address.toDottedQuad(locator);
    }

    @Override
    protected void rrToWire(DNSOutput out, Compression c, boolean canonical) {
        out.writeU16(preference);
        out.writeByteArray(locator);
    }
}
