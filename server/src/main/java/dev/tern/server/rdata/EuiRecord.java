package dev.tern.server.rdata;

import java.io.IOException;
import java.util.Locale;
import org.xbill.DNS.Compression;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Tokenizer;

/**
 * An EUI-48 or EUI-64 address record (RFC 7043): the address bytes on the wire, and in text hexadecimal pairs
 * joined by hyphens, {@code 00-50-56-9b-00-e7}.
 */
abstract class EuiRecord extends Record {
    private byte[] address;

    EuiRecord() {
    }

    /** The address length in bytes: 6 or 8. */
    abstract int length();

    public byte[] getAddress() {
        return address.clone();
    }

    @Override
    protected void rrFromWire(DNSInput in) throws IOException {
        address = in.readByteArray(length());
    }

    @Override
    protected void rdataFromString(Tokenizer st, Name origin) throws IOException {
        String text = st.getString();
        String[] pairs = text.split("-", -1);
        if (pairs.length != length()) {
            throw st.exception("'" + text + "' is not an EUI-" + length() * 8 + " address (expected: "
                    + length() + " hexadecimal pairs joined by '-')");
        }
        byte[] bytes = new byte[length()];
        for (int i = 0; i < pairs.length; i++) {
            if (!pairs[i].matches("[0-9a-fA-F]{2}")) {
                throw st.exception("'" + text + "' is not an EUI-" + length() * 8 + " address (bad pair '"
                        + pairs[i] + "')");
            }
            bytes[i] = (byte) Integer.parseInt(pairs[i], 16);
        }
        address = bytes;
    }

    @Override
    protected String rrToString() {
        StringBuilder text = new StringBuilder();
        for (byte b : address) {
            if (text.length() > 0) {
                text.append('-');
            }
            text.append(String.format(Locale.ROOT, "%02x", b & 0xff));
        }
        return text.toString();
    }

    @Override
    protected void rrToWire(DNSOutput out, Compression c, boolean canonical) {
        out.writeByteArray(address);
    }
}
