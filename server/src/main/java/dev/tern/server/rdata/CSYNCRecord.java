package dev.tern.server.rdata;

import java.io.IOException;
import java.util.SortedSet;
import org.xbill.DNS.Compression;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Tokenizer;

/**
 * A CSYNC record (RFC 7477 2.1): a child's SOA serial, flags (1 immediate, 2 soaminimum) and the types the parent
 * should copy, {@code 2024010101 3 A NS AAAA}.
 */
public final class CSYNCRecord extends Record {
    private long serial;
    private int flags;
    private TypeBitmap types;

    public long getSerial() {
        return serial;
    }

    public int getFlags() {
        return flags;
    }

    public SortedSet<Integer> getTypes() {
        return types.types();
    }

    @Override
    protected void rrFromWire(DNSInput in) throws IOException {
        serial = in.readU32();
        flags = in.readU16();
        types = TypeBitmap.fromWire(in);
    }

    @Override
    protected void rdataFromString(Tokenizer st, Name origin) throws IOException {
        serial = st.getUInt32();
        flags = st.getUInt16();
        types = TypeBitmap.fromText(st);
    }

    @Override
    protected String rrToString() {
        String bitmap = types.toString();
        return serial + " " + flags + (bitmap.isEmpty() ? "" : " " + bitmap);
    }

    @Override
    protected void rrToWire(DNSOutput out, Compression c, boolean canonical) {
        out.writeU32(serial);
        out.writeU16(flags);
        types.toWire(out);
    }
}
