package dev.tern.server.answer;

import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import dev.tern.server.zone.Node;
import dev.tern.server.zone.ZoneSnapshot;

/**
 * Wildcard matching (RFC 4592): when a name does not exist, the wildcard {@code *.<closest encloser>} answers for
 * it, where the closest encloser is the longest existing ancestor (an empty non-terminal counts as existing, so it
 * blocks wildcards above it, RFC 4592 2.2.2). Without a wildcard the answer is NXDOMAIN. Signed, a synthesized
 * answer proves that qname itself does not exist (RFC 4035 3.1.3.3, RFC 5155 7.2.6).
 */
final class Wildcard {
    static final Name STAR = Name.fromConstantString("*");

    private Wildcard() {
    }

    static Name answer(ZoneSnapshot snapshot, Name qname, Name closestEncloser, int qtype, boolean minimalAny,
                       AnswerEngine.Sections sections) {
        Name source = Denial.wildcardAt(closestEncloser);
        Node node = source == null ? null : snapshot.node(source);
        if (node == null) {
            sections.authoritative = true;
            sections.rcode = Rcode.NXDOMAIN;
            sections.addAuthority(snapshot.negativeSoa());
            sections.denial.nxdomain(qname, closestEncloser, sections);
            return null;
        }
        if (node.isBrokenFor(qtype)) {
            sections.servfail = true;
            return null;
        }
        sections.negative = false;
        Name target = AnswerEngine.fromNode(snapshot, node, qname, qtype, minimalAny, sections);
        if (sections.negative) {
            sections.denial.wildcardNodata(qname, closestEncloser, sections);
        } else {
            sections.denial.wildcardAnswer(qname, closestEncloser, sections);
        }
        return target;
    }
}
