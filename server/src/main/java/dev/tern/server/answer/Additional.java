package dev.tern.server.answer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NAPTRRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.SVCBBase;
import org.xbill.DNS.Type;
import dev.tern.server.zone.Node;
import dev.tern.server.zone.Zone;
import dev.tern.server.zone.ZoneSnapshot;
import dev.tern.server.zone.ZoneTable;

/**
 * Additional-section processing (RFC 1034 3.7, RFC 2181 5.4.1), as BIND and PowerDNS do it: the A and AAAA RRsets
 * of NS, MX and SRV targets; for SVCB and HTTPS (RFC 9460 4) the addresses of the target (the owner itself for a
 * target of "."), and in AliasMode the SVCB or HTTPS RRset at the target too; for NAPTR (RFC 3403 4) the SRV RRset
 * of an "S" replacement with its targets' addresses, or the addresses of an "A" replacement. Only data of zones
 * served here, taken only from authoritative data (never from below a zone cut).
 */
final class Additional {
    private Additional() {
    }

    static void addTargets(ZoneTable zones, AnswerEngine.Sections sections) {
        if (sections.answer.isEmpty()) {
            return;
        }
        List<Name> addressTargets = new ArrayList<>(2);
        for (RRset rrset : sections.answer) {
            for (Record record : rrset.rrs(false)) {
                if (record instanceof SVCBBase) {
                    svcb(zones, (SVCBBase) record, addressTargets, sections);
                } else if (record instanceof NAPTRRecord) {
                    naptr(zones, (NAPTRRecord) record, addressTargets, sections);
                } else {
                    addOnce(addressTargets, target(record));
                }
            }
        }
        for (Name target : addressTargets) {
            Node node = authoritativeNode(zones, target);
            if (node != null) {
                addAddresses(node, sections);
            }
        }
    }

    private static void svcb(ZoneTable zones, SVCBBase record, List<Name> addressTargets,
                             AnswerEngine.Sections sections) {
        Name target = record.getTargetName();
        boolean aliasMode = record.getSvcPriority() == 0;
        if (target.equals(Name.root)) {
            // RFC 9460 2.5: "." is the owner in ServiceMode, and "no service" in AliasMode.
            if (!aliasMode) {
                addOnce(addressTargets, record.getName());
            }
            return;
        }
        addOnce(addressTargets, target);
        if (aliasMode) {
            Node node = authoritativeNode(zones, target);
            RRset next = node == null ? null : node.get(record.getType());
            if (next != null && !sections.additional.contains(next) && !sections.answer.contains(next)) {
                sections.additional.add(next);
                for (Record alias : next.rrs(false)) {
                    Name aliasTarget = ((SVCBBase) alias).getTargetName();
                    addOnce(addressTargets, aliasTarget.equals(Name.root) ? alias.getName() : aliasTarget);
                }
            }
        }
    }

    private static void naptr(ZoneTable zones, NAPTRRecord record, List<Name> addressTargets,
                              AnswerEngine.Sections sections) {
        String flags = record.getFlags().toLowerCase(Locale.ROOT);
        Name replacement = record.getReplacement();
        if (flags.contains("a")) {
            addOnce(addressTargets, replacement);
        } else if (flags.contains("s")) {
            Node node = authoritativeNode(zones, replacement);
            RRset srv = node == null ? null : node.get(Type.SRV);
            if (srv != null && !sections.additional.contains(srv)) {
                sections.additional.add(srv);
                for (Record each : srv.rrs(false)) {
                    addOnce(addressTargets, ((SRVRecord) each).getTarget());
                }
            }
        }
    }

    static void addAddresses(Node node, AnswerEngine.Sections sections) {
        RRset a = node.get(Type.A);
        if (a != null && !sections.additional.contains(a)) {
            sections.additional.add(a);
        }
        RRset aaaa = node.get(Type.AAAA);
        if (aaaa != null && !sections.additional.contains(aaaa)) {
            sections.additional.add(aaaa);
        }
    }

    private static void addOnce(List<Name> targets, Name target) {
        if (target != null && !target.equals(Name.root) && !targets.contains(target)) {
            targets.add(target);
        }
    }

    private static Name target(Record record) {
        if (record instanceof NSRecord) {
            return ((NSRecord) record).getTarget();
        }
        if (record instanceof MXRecord) {
            return ((MXRecord) record).getTarget();
        }
        if (record instanceof SRVRecord) {
            return ((SRVRecord) record).getTarget();
        }
        return null;
    }

    /** The node at a name of a zone served here, unless it lies at or below a zone cut; null otherwise. */
    private static Node authoritativeNode(ZoneTable zones, Name name) {
        Zone zone = zones.closest(name);
        ZoneSnapshot snapshot = zone == null || zone.isExpired() ? null : zone.snapshot();
        if (snapshot == null || belowCut(snapshot, name)) {
            return null;
        }
        return snapshot.node(name);
    }

    private static boolean belowCut(ZoneSnapshot snapshot, Name name) {
        int below = name.labels() - snapshot.origin().labels();
        for (int depth = 1; depth <= below; depth++) {
            Name ancestor = depth == below ? name : new Name(name, below - depth);
            if (snapshot.isDelegation(ancestor)) {
                return true;
            }
        }
        return false;
    }
}
