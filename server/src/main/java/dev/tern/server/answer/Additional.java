package dev.tern.server.answer;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Type;
import dev.tern.server.zone.Node;
import dev.tern.server.zone.Zone;
import dev.tern.server.zone.ZoneSnapshot;
import dev.tern.server.zone.ZoneTable;

/**
 * Additional-section processing (RFC 1034 3.7, RFC 2181 5.4.1): the A and AAAA RRsets of NS, MX and SRV targets
 * that lie inside zones we serve, taken only from authoritative data (never from below a zone cut).
 */
final class Additional {
    private Additional() {
    }

    static void addTargets(ZoneTable zones, AnswerEngine.Sections sections) {
        if (sections.answer.isEmpty()) {
            return;
        }
        List<Name> targets = new ArrayList<>(2);
        for (RRset rrset : sections.answer) {
            int type = rrset.getType();
            if (type != Type.NS && type != Type.MX && type != Type.SRV) {
                continue;
            }
            for (Record record : rrset.rrs(false)) {
                Name target = target(record);
                if (target != null && !targets.contains(target)) {
                    targets.add(target);
                }
            }
        }
        for (Name target : targets) {
            Zone zone = zones.closest(target);
            ZoneSnapshot snapshot = zone == null ? null : zone.snapshot();
            if (snapshot == null || belowCut(snapshot, target)) {
                continue;
            }
            Node node = snapshot.node(target);
            if (node != null) {
                addAddresses(node, sections);
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
