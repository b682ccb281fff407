package dev.tern.server.rdata;

import java.io.IOException;
import org.xbill.DNS.Compression;
import org.xbill.DNS.DNSInput;
import org.xbill.DNS.DNSOutput;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Tokenizer;

/**
 * PowerDNS's ALIAS record (type 65401): one target name whose addresses PowerDNS resolves and serves at the owner.
 * Tern stores, serves and transfers it as is and never resolves it.
 */
public final class ALIASRecord extends Record {
    private Name target;

    public Name getTarget() {
        return target;
    }

    @Override
    protected void rrFromWire(DNSInput in) throws IOException {
        target = new Name(in);
    }

    @Override
    protected void rdataFromString(Tokenizer st, Name origin) throws IOException {
        target = st.getName(origin);
    }

    @Override
    protected String rrToString() {
        return target.toString();
    }

    @Override
    protected void rrToWire(DNSOutput out, Compression c, boolean canonical) {
        // RFC 3597 4: names in a type a peer may not know are never compressed.
        target.toWire(out, null, false);
    }
}
