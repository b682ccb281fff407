package dev.tern.server.answer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import dev.tern.server.zone.Node;
import dev.tern.server.zone.Zone;
import dev.tern.server.zone.ZoneSnapshot;
import dev.tern.server.zone.ZoneTable;

/**
 * Answers one question from the zones served, following RFC 1034 4.3.2: find the closest enclosing zone, walk
 * down from its apex, stop at a zone cut (referral), match the name exactly, or fall back to the wildcard at the
 * closest encloser (RFC 4592); follow CNAMEs inside the zone; NXDOMAIN and NODATA carry the SOA (RFC 2308).
 */
public final class AnswerEngine {
    /** Longest CNAME chain followed inside one zone; a loop ends here too. */
    static final int MAX_CNAME_CHAIN = 12;

    /**
     * Answers {@code qname}/{@code qtype} (class IN).
     *
     * @param minimalAny answer ANY with a single RRset (RFC 8482), as over UDP
     */
    public Answer answer(ZoneTable zones, Name qname, int qtype, boolean minimalAny) {
        Zone zone = zones.closest(qname);
        if (zone == null) {
            return Answer.of(Rcode.REFUSED);
        }
        ZoneSnapshot snapshot = zone.snapshot();
        if (snapshot == null || zone.isExpired()) {
            // A zone we are configured for but hold no data of (a secondary not yet transferred), or expired.
            return Answer.of(Rcode.SERVFAIL);
        }
        Sections sections = new Sections();
        Name name = qname;
        for (int step = 0; step <= MAX_CNAME_CHAIN; step++) {
            Name target = resolve(snapshot, name, qtype, minimalAny, sections);
            if (target == null) {
                break;
            }
            if (!target.subdomain(snapshot.origin()) || step == MAX_CNAME_CHAIN) {
                // RFC 1034 4.3.2 step 3a: a CNAME leaving the zone is answered as it is; the resolver follows it.
                break;
            }
            name = target;
        }
        Additional.addTargets(zones, sections);
        return sections.toAnswer();
    }

    /**
     * Resolves one name of a CNAME chain into {@code sections}; returns the CNAME target to continue with, or
     * null when the answer is complete.
     */
    private static Name resolve(ZoneSnapshot snapshot, Name name, int qtype, boolean minimalAny, Sections sections) {
        Name origin = snapshot.origin();
        int below = name.labels() - origin.labels();
        for (int depth = 1; depth <= below; depth++) {
            Name ancestor = depth == below ? name : new Name(name, below - depth);
            boolean dsAtCut = qtype == Type.DS && depth == below;
            if (snapshot.isDelegation(ancestor) && !dsAtCut) {
                Delegation.refer(snapshot, ancestor, sections);
                return null;
            }
            if (snapshot.node(ancestor) == null) {
                Name closestEncloser = new Name(name, below - depth + 1);
                return Wildcard.answer(snapshot, name, closestEncloser, qtype, minimalAny, sections);
            }
        }
        Node node = snapshot.node(name);
        return fromNode(snapshot, node, name, qtype, minimalAny, sections);
    }

    /**
     * Answers from the node that matched {@code owner} (exactly or through a wildcard); records are given the owner
     * name, so a synthesized wildcard answer carries the qname.
     */
    static Name fromNode(ZoneSnapshot snapshot, Node node, Name owner, int qtype, boolean minimalAny,
                         Sections sections) {
        sections.authoritative = true;
        if (qtype == Type.ANY) {
            Collection<RRset> all = node.rrsets();
            if (all.isEmpty()) {
                sections.authority.add(new RRset(snapshot.negativeSoa()));
                return null;
            }
            for (RRset rrset : all) {
                sections.answer.add(withOwner(rrset, owner));
                if (minimalAny) {
                    // RFC 8482 4.1: one RRset is enough for a UDP ANY; the client can ask over TCP for all.
                    break;
                }
            }
            return null;
        }
        RRset exact = node.get(qtype);
        if (exact != null) {
            sections.answer.add(withOwner(exact, owner));
            return null;
        }
        RRset cname = node.get(Type.CNAME);
        if (cname != null) {
            RRset synthesized = withOwner(cname, owner);
            if (sections.seen(synthesized)) {
                return null;
            }
            sections.answer.add(synthesized);
            return ((org.xbill.DNS.CNAMERecord) cname.first()).getTarget();
        }
        // NODATA (RFC 2308 2.2): the name exists, the type does not.
        sections.authority.add(new RRset(snapshot.negativeSoa()));
        return null;
    }

    /** The RRset as it is, or a copy with another owner name (wildcard synthesis, qname case). */
    static RRset withOwner(RRset rrset, Name owner) {
        if (rrset.getName().equals(owner)) {
            return rrset;
        }
        RRset copy = new RRset();
        for (Record record : rrset.rrs(false)) {
            copy.addRR(record.withName(owner));
        }
        return copy;
    }

    /** The sections of an answer under construction. */
    static final class Sections {
        final List<RRset> answer = new ArrayList<>(2);
        final List<RRset> authority = new ArrayList<>(1);
        final List<RRset> additional = new ArrayList<>(2);
        int rcode = Rcode.NOERROR;
        boolean authoritative;
        boolean referral;

        boolean seen(RRset rrset) {
            for (RRset existing : answer) {
                if (existing.getName().equals(rrset.getName()) && existing.getType() == rrset.getType()) {
                    return true;
                }
            }
            return false;
        }

        Answer toAnswer() {
            return new Answer(rcode, authoritative, referral, answer, authority, additional);
        }
    }
}
