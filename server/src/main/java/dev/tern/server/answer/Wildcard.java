package dev.tern.server.answer;

import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.RRset;
import dev.tern.server.zone.Node;
import dev.tern.server.zone.ZoneSnapshot;

/**
 * Wildcard matching (RFC 4592): when a name does not exist, the wildcard {@code *.<closest encloser>} answers for
 * it, where the closest encloser is the longest existing ancestor (an empty non-terminal counts as existing, so it
 * blocks wildcards above it, RFC 4592 2.2.2). Without a wildcard the answer is NXDOMAIN.
 */
final class Wildcard {
    private static final Name STAR = Name.fromConstantString("*");

    private Wildcard() {
    }

    static Name answer(ZoneSnapshot snapshot, Name qname, Name closestEncloser, int qtype, boolean minimalAny,
                       AnswerEngine.Sections sections) {
        Name source = wildcardName(closestEncloser);
        Node node = source == null ? null : snapshot.node(source);
        if (node == null) {
            sections.authoritative = true;
            sections.rcode = Rcode.NXDOMAIN;
            sections.authority.add(new RRset(snapshot.negativeSoa()));
            return null;
        }
        return AnswerEngine.fromNode(snapshot, node, qname, qtype, minimalAny, sections);
    }

    private static Name wildcardName(Name closestEncloser) {
        try {
            return Name.concatenate(STAR, closestEncloser);
        } catch (org.xbill.DNS.NameTooLongException e) {
            return null;
        }
    }
}
