package dev.tern.server.answer;

import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import dev.tern.server.zone.Nsec3Chain;

/**
 * Denial of existence with NSEC3 (RFC 5155 7.2): the closest encloser proof (an NSEC3 matching the closest encloser
 * and one covering the next closer name), the NSEC3 covering the wildcard, and the Opt-Out proofs for insecure
 * delegations.
 */
final class Nsec3Denial implements Denial {
    private final Nsec3Chain chain;

    Nsec3Denial(Nsec3Chain chain) {
        this.chain = chain;
    }

    @Override
    public void nxdomain(Name qname, Name closestEncloser, AnswerEngine.Sections sections) {
        // RFC 5155 7.2.2
        closestEncloserProof(qname, closestEncloser, sections);
        Name wildcard = Denial.wildcardAt(closestEncloser);
        if (wildcard != null) {
            sections.addProof(chain.covering(wildcard));
        }
    }

    @Override
    public void nodata(Name qname, int qtype, AnswerEngine.Sections sections) {
        // RFC 5155 7.2.3: the NSEC3 matching qname. Without one (a DS query at an insecure delegation in an Opt-Out
        // span, 7.2.4, or an empty non-terminal that only leads there), the closest provable encloser proof.
        RRset matching = chain.matching(qname);
        if (matching != null) {
            sections.addProof(matching);
        } else {
            closestProvableEncloserProof(qname, sections);
        }
    }

    @Override
    public void wildcardAnswer(Name qname, Name closestEncloser, AnswerEngine.Sections sections) {
        // RFC 5155 7.2.6: the next closer name does not exist.
        sections.addProof(chain.covering(nextCloser(qname, closestEncloser)));
    }

    @Override
    public void wildcardNodata(Name qname, Name closestEncloser, AnswerEngine.Sections sections) {
        // RFC 5155 7.2.5
        closestEncloserProof(qname, closestEncloser, sections);
        Name wildcard = Denial.wildcardAt(closestEncloser);
        RRset matching = wildcard == null ? null : chain.matching(wildcard);
        if (matching != null) {
            sections.addProof(matching);
        }
    }

    @Override
    public void noDs(Name cut, AnswerEngine.Sections sections) {
        // RFC 5155 7.2.7: the NSEC3 matching the delegation, or, under Opt-Out, the closest provable encloser proof.
        nodata(cut, org.xbill.DNS.Type.DS, sections);
    }

    private void closestEncloserProof(Name qname, Name closestEncloser, AnswerEngine.Sections sections) {
        RRset matching = chain.matching(closestEncloser);
        if (matching != null) {
            sections.addProof(matching);
        }
        sections.addProof(chain.covering(nextCloser(qname, closestEncloser)));
    }

    /** RFC 5155 7.2.4: the nearest ancestor with an NSEC3 of its own, and the (Opt-Out) NSEC3 covering below it. */
    private void closestProvableEncloserProof(Name qname, AnswerEngine.Sections sections) {
        Name origin = chain.origin();
        for (int strip = 1; strip <= qname.labels() - origin.labels(); strip++) {
            Name ancestor = new Name(qname, strip);
            RRset matching = chain.matching(ancestor);
            if (matching != null) {
                sections.addProof(matching);
                sections.addProof(chain.covering(nextCloser(qname, ancestor)));
                return;
            }
        }
    }

    /** The name one label longer than the closest encloser, on the way to qname (RFC 5155 1.3). */
    static Name nextCloser(Name qname, Name closestEncloser) {
        return new Name(qname, qname.labels() - closestEncloser.labels() - 1);
    }
}
