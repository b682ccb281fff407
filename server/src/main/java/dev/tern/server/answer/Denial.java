package dev.tern.server.answer;

import org.xbill.DNS.Name;
import dev.tern.server.zone.ZoneSnapshot;

/**
 * Authenticated denial of existence for one signed zone (RFC 4035 3.1.3, RFC 5155 7.2): which NSEC or NSEC3 RRsets,
 * with their signatures, go into the authority section to prove a negative or a wildcard answer. A zone without a
 * chain, or a query without DO, proves nothing ({@link #NONE}).
 */
interface Denial {
    Denial NONE = new Denial() {
        @Override
        public void nxdomain(Name qname, Name closestEncloser, AnswerEngine.Sections sections) {
        }

        @Override
        public void nodata(Name qname, int qtype, AnswerEngine.Sections sections) {
        }

        @Override
        public void wildcardAnswer(Name qname, Name closestEncloser, AnswerEngine.Sections sections) {
        }

        @Override
        public void wildcardNodata(Name qname, Name closestEncloser, AnswerEngine.Sections sections) {
        }

        @Override
        public void noDs(Name cut, AnswerEngine.Sections sections) {
        }
    };

    /** The proofs of a zone for a query with or without the DO bit (RFC 3225 3). */
    static Denial of(ZoneSnapshot snapshot, boolean dnssec) {
        if (!dnssec) {
            return NONE;
        }
        if (snapshot.nsec3Chain() != null) {
            return new Nsec3Denial(snapshot.nsec3Chain());
        }
        if (snapshot.nsecChain() != null) {
            return new NsecDenial(snapshot.nsecChain());
        }
        return NONE;
    }

    /** NXDOMAIN: qname does not exist, nor does the wildcard at its closest encloser. */
    void nxdomain(Name qname, Name closestEncloser, AnswerEngine.Sections sections);

    /** NODATA: qname exists (an empty non-terminal too) but has no RRset of qtype (nor a CNAME). */
    void nodata(Name qname, int qtype, AnswerEngine.Sections sections);

    /** A wildcard answer: qname itself does not exist, so the wildcard at the closest encloser answered. */
    void wildcardAnswer(Name qname, Name closestEncloser, AnswerEngine.Sections sections);

    /** Wildcard NODATA: qname does not exist and the wildcard that matches it has no RRset of qtype. */
    void wildcardNodata(Name qname, Name closestEncloser, AnswerEngine.Sections sections);

    /** A referral to a delegation without DS: proof that the delegation is insecure. */
    void noDs(Name cut, AnswerEngine.Sections sections);

    /** The wildcard name at a closest encloser ({@code *.ce}), or null when it would be too long. */
    static Name wildcardAt(Name closestEncloser) {
        try {
            return Name.concatenate(Wildcard.STAR, closestEncloser);
        } catch (org.xbill.DNS.NameTooLongException e) {
            return null;
        }
    }
}
