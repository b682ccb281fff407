package dev.tern.server.answer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.xbill.DNS.CNAMERecord;
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
 * Answers one question from the zones served, following RFC 1034 4.3.2: find the closest enclosing zone (the parent
 * for a DS at a zone cut, RFC 4035 3.1.4.1), walk down from its apex, stop at a zone cut (referral) or a DNAME
 * (RFC 6672), match the name exactly, or fall back to the wildcard at the closest encloser (RFC 4592); follow CNAMEs
 * into any zone served here; NXDOMAIN and NODATA carry the SOA (RFC 2308). With DO (RFC 3225) every signed RRset
 * carries its RRSIGs and negative and wildcard answers carry their NSEC or NSEC3 proofs (RFC 4035 3.1, RFC 5155 7.2).
 */
public final class AnswerEngine {
    /** Longest CNAME chain followed; a loop ends here too. */
    static final int MAX_CNAME_CHAIN = 12;

    /** Answers without DNSSEC records, as to a query without DO. */
    public Answer answer(ZoneTable zones, Name qname, int qtype, boolean minimalAny) {
        return answer(zones, qname, qtype, minimalAny, false);
    }

    /**
     * Answers {@code qname}/{@code qtype} (class IN).
     *
     * @param minimalAny answer ANY with a single RRset (RFC 8482), as over UDP
     * @param dnssec the query had DO set: add signatures and proofs
     */
    public Answer answer(ZoneTable zones, Name qname, int qtype, boolean minimalAny, boolean dnssec) {
        Zone zone = authority(zones, qname, qtype);
        if (zone == null) {
            return Answer.of(Rcode.REFUSED);
        }
        ZoneSnapshot snapshot = servable(zone);
        if (snapshot == null) {
            // A zone we are configured for but hold no data of (a secondary not yet transferred), or expired.
            return Answer.of(Rcode.SERVFAIL);
        }
        Sections sections = new Sections(dnssec);
        Name name = qname;
        for (int step = 0; step <= MAX_CNAME_CHAIN && !sections.servfail; step++) {
            Name target = resolve(snapshot, name, qtype, minimalAny, sections);
            if (target == null || step == MAX_CNAME_CHAIN) {
                break;
            }
            if (!target.subdomain(snapshot.origin())) {
                // RFC 1034 4.3.2 step 3a, as BIND and PowerDNS do: the chain goes on in another zone served here;
                // one that leaves them all is answered as it is, and the resolver follows it.
                Zone next = zones.closest(target);
                snapshot = next == null ? null : servable(next);
                if (snapshot == null) {
                    break;
                }
            }
            name = target;
        }
        if (sections.servfail) {
            return Answer.of(Rcode.SERVFAIL);
        }
        Additional.addTargets(zones, sections);
        return sections.toAnswer();
    }

    /**
     * The zone that answers: the closest enclosing one, except that a DS at the apex of a zone whose parent is
     * served here too is the parent's (RFC 4035 3.1.4.1: DS lives at the parent side of the cut).
     */
    private static Zone authority(ZoneTable zones, Name qname, int qtype) {
        Zone zone = zones.closest(qname);
        if (zone != null && qtype == Type.DS && zone.name().equals(qname) && qname.labels() > 1) {
            Zone parent = zones.closest(new Name(qname, 1));
            if (parent != null) {
                return parent;
            }
        }
        return zone;
    }

    private static ZoneSnapshot servable(Zone zone) {
        return zone.isExpired() ? null : zone.snapshot();
    }

    /**
     * Resolves one name of a CNAME chain into {@code sections}; returns the CNAME target to continue with, or
     * null when the answer is complete.
     */
    private static Name resolve(ZoneSnapshot snapshot, Name name, int qtype, boolean minimalAny, Sections sections) {
        Name origin = snapshot.origin();
        sections.denial = Denial.of(snapshot, sections.dnssec);
        int below = name.labels() - origin.labels();
        for (int depth = 0; depth <= below; depth++) {
            Name ancestor = depth == below ? name : new Name(name, below - depth);
            boolean dsAtCut = qtype == Type.DS && depth == below;
            if (depth > 0 && snapshot.isDelegation(ancestor) && !dsAtCut) {
                Delegation.refer(snapshot, ancestor, sections);
                return null;
            }
            Node node = snapshot.node(ancestor);
            if (node == null) {
                Name closestEncloser = new Name(name, below - depth + 1);
                return Wildcard.answer(snapshot, name, closestEncloser, qtype, minimalAny, sections);
            }
            if (depth < below && node.get(Type.DNAME) != null) {
                return Dname.substitute(node.get(Type.DNAME), name, sections);
            }
        }
        Node node = snapshot.node(name);
        if (node.isBrokenFor(qtype)) {
            sections.servfail = true;
            return null;
        }
        sections.negative = false;
        Name target = fromNode(snapshot, node, name, qtype, minimalAny, sections);
        if (sections.negative) {
            sections.denial.nodata(name, qtype, sections);
        }
        return target;
    }

    /**
     * Answers from the node that matched {@code owner} (exactly or through a wildcard); records are given the owner
     * name, so a synthesized wildcard answer carries the qname. Sets {@link Sections#negative} for NODATA, whose
     * proof the caller adds, as it depends on how the node was found.
     */
    static Name fromNode(ZoneSnapshot snapshot, Node node, Name owner, int qtype, boolean minimalAny,
                         Sections sections) {
        sections.authoritative = true;
        if (qtype == Type.ANY) {
            Collection<RRset> all = node.rrsets();
            if (all.isEmpty()) {
                nodata(snapshot, sections);
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
        if (qtype == Type.RRSIG) {
            List<RRset> signatures = node.signatures();
            if (signatures.isEmpty()) {
                nodata(snapshot, sections);
            }
            for (RRset sigs : signatures) {
                sections.answer.add(withOwner(sigs, owner));
            }
            return null;
        }
        RRset exact = node.get(qtype);
        if (exact != null) {
            sections.answer.add(withOwner(exact, owner));
            return null;
        }
        RRset cname = node.get(Type.CNAME);
        // RFC 4035 2.5: NSEC (and RRSIG, above) live beside a CNAME; a question for them stops at the CNAME's name.
        if (cname != null && qtype != Type.NSEC) {
            RRset synthesized = withOwner(cname, owner);
            if (sections.seen(synthesized)) {
                return null;
            }
            sections.answer.add(synthesized);
            return ((CNAMERecord) cname.first()).getTarget();
        }
        nodata(snapshot, sections);
        return null;
    }

    /** NODATA (RFC 2308 2.2): the name exists, the type does not; the SOA with its signatures. */
    private static void nodata(ZoneSnapshot snapshot, Sections sections) {
        sections.addAuthority(snapshot.negativeSoa());
        sections.negative = true;
    }

    /** The RRset as it is, or a copy with another owner name (wildcard synthesis), signatures included. */
    static RRset withOwner(RRset rrset, Name owner) {
        if (rrset.getName().equals(owner)) {
            return rrset;
        }
        RRset copy = new RRset();
        for (Record record : rrset.rrs(false)) {
            copy.addRR(record.withName(owner));
        }
        for (Record sig : rrset.sigs()) {
            // RFC 4035 5.3.2: the RRSIG keeps its labels field, which tells a validator it came from a wildcard.
            copy.addRR(sig.withName(owner));
        }
        return copy;
    }

    /** The sections of an answer under construction. */
    static final class Sections {
        final List<RRset> answer = new ArrayList<>(2);
        final List<RRset> authority = new ArrayList<>(1);
        final List<RRset> additional = new ArrayList<>(2);
        final boolean dnssec;
        Denial denial = Denial.NONE;
        int rcode = Rcode.NOERROR;
        boolean authoritative;
        boolean referral;
        boolean negative;
        boolean servfail;

        Sections(boolean dnssec) {
            this.dnssec = dnssec;
        }

        boolean seen(RRset rrset) {
            for (RRset existing : answer) {
                if (existing.getName().equals(rrset.getName()) && existing.getType() == rrset.getType()) {
                    return true;
                }
            }
            return false;
        }

        /** Adds an RRset to the authority section once. */
        void addAuthority(RRset rrset) {
            for (RRset existing : authority) {
                if (existing.getName().equals(rrset.getName()) && existing.getType() == rrset.getType()) {
                    return;
                }
            }
            authority.add(rrset);
        }

        /** Adds an NSEC or NSEC3 proof (null: the chain has none for this name) to the authority section once. */
        void addProof(RRset proof) {
            if (proof != null) {
                addAuthority(proof);
            }
        }

        Answer toAnswer() {
            return new Answer(rcode, authoritative, referral, answer, authority, additional);
        }
    }
}
