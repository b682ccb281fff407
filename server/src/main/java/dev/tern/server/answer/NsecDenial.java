package dev.tern.server.answer;

import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import dev.tern.server.zone.NsecChain;

/** Denial of existence with NSEC (RFC 4035 3.1.3): an NSEC that matches a name, or one that covers it. */
final class NsecDenial implements Denial {
    private final NsecChain chain;

    NsecDenial(NsecChain chain) {
        this.chain = chain;
    }

    @Override
    public void nxdomain(Name qname, Name closestEncloser, AnswerEngine.Sections sections) {
        // RFC 4035 3.1.3.2: no exact match, and no wildcard that could have matched.
        sections.addProof(chain.covering(qname));
        Name wildcard = Denial.wildcardAt(closestEncloser);
        if (wildcard != null) {
            sections.addProof(chain.covering(wildcard));
        }
    }

    @Override
    public void nodata(Name qname, int qtype, AnswerEngine.Sections sections) {
        // RFC 4035 3.1.3.1: the NSEC at qname lists its types; an empty non-terminal has none, so the NSEC that
        // covers it proves it owns no data.
        RRset matching = chain.matching(qname);
        sections.addProof(matching != null ? matching : chain.covering(qname));
    }

    @Override
    public void wildcardAnswer(Name qname, Name closestEncloser, AnswerEngine.Sections sections) {
        // RFC 4035 3.1.3.3: qname itself does not exist.
        sections.addProof(chain.covering(qname));
    }

    @Override
    public void wildcardNodata(Name qname, Name closestEncloser, AnswerEngine.Sections sections) {
        // RFC 4035 3.1.3.4: qname does not exist, and the wildcard's own NSEC lacks qtype.
        sections.addProof(chain.covering(qname));
        Name wildcard = Denial.wildcardAt(closestEncloser);
        RRset matching = wildcard == null ? null : chain.matching(wildcard);
        if (matching != null) {
            sections.addProof(matching);
        }
    }

    @Override
    public void noDs(Name cut, AnswerEngine.Sections sections) {
        // RFC 4035 3.1.4: the NSEC at the delegation point shows NS without DS.
        RRset matching = chain.matching(cut);
        if (matching != null) {
            sections.addProof(matching);
        }
    }
}
