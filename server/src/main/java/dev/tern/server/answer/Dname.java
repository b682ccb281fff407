package dev.tern.server.answer;

import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DNAMERecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.NameTooLongException;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;

/**
 * DNAME redirection (RFC 6672 2.2, 3.1): a name below a DNAME owner is answered with the DNAME RRset (signed when
 * the zone is) and a CNAME synthesized from it, whose TTL is the DNAME's and which is never signed; the chain goes
 * on at the substituted name. A substitution that would make a name longer than 255 octets is YXDOMAIN.
 */
final class Dname {
    private Dname() {
    }

    /** Returns the substituted name to continue with, or null when the substitution failed (YXDOMAIN). */
    static Name substitute(RRset dname, Name qname, AnswerEngine.Sections sections) {
        sections.authoritative = true;
        if (!sections.seen(dname)) {
            sections.answer.add(dname);
        }
        DNAMERecord record = (DNAMERecord) dname.first();
        Name target;
        try {
            target = qname.fromDNAME(record);
        } catch (NameTooLongException e) {
            sections.rcode = Rcode.YXDOMAIN;
            return null;
        }
        RRset cname = new RRset(new CNAMERecord(qname, record.getDClass(), dname.getTTL(), target));
        if (sections.seen(cname)) {
            return null;
        }
        sections.answer.add(cname);
        return target;
    }
}
