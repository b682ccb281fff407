package dev.tern.server.rdata;

import java.io.IOException;
import org.xbill.DNS.Compression;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Tokenizer;

/** An LP record (RFC 6742 2.4): a preference and the name of the L32/L64 records of a subnet. */
public final class LPRecord extends Record {
    private int preference;
    private Name target;

    public int getPreference() {
        return preference;
    }

    public Name getTarget() {
        return target;
    }

    @Override
    protected void rrFromWire(DNSInput in) throws IOException {
        preference = in.readU16();
        target = new Name(in);
    }

    @Override
    protected void rdataFromString(Tokenizer st, Name origin) throws IOException {
        preference = st.getUInt16();
        target = st.getName(origin);
    }

    @Override
    protected String rrToString() {
        return preference + " " + target;
    }

    @Override
    protected void rrToWire(DNSOutput out, Compression c, boolean canonical) {
        out.writeU16(preference);
        // RFC 6742 2.4: the name is not compressed; RFC 6840 5.1: nor lower-cased for a canonical form.
        target.toWire(out, null, false);
    }
}
