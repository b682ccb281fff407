package dev.tern.server.zone;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Type;

/**
 * Checks that a signed zone's denial chain is whole before it is served (RFC 4034 4.1.1, RFC 5155 3.1.7): each
 * NSEC names the next owner with an NSEC in canonical order and the last names the apex; every name with data that
 * is not below a zone cut has an NSEC; each NSEC3's next hashed owner is the next NSEC3 in hash order and the last
 * names the first. A broken chain would make the proofs Tern sends fail validation, so the zone is not taken: the
 * previous version stays served, and the error names the first break.
 */
final class DenialChainCheck {
    private DenialChainCheck() {
    }

    static void nsec(Name origin, Map<Name, Node> nodes, Map<Name, RRset> nsecs, java.util.Set<Name> delegations) {
        TreeMap<Name, RRset> chain = new TreeMap<>(nsecs);
        List<Name> owners = new ArrayList<>(chain.keySet());
        for (int i = 0; i < owners.size(); i++) {
            Name owner = owners.get(i);
            Name expected = i + 1 < owners.size() ? owners.get(i + 1) : origin;
            Name next = ((NSECRecord) chain.get(owner).first()).getNext();
            if (!next.equals(expected)) {
                throw new ZoneCheckException("zone " + origin + ": the NSEC chain is broken at " + owner
                        + ": its next name is " + next + ", but the next name with an NSEC is " + expected
                        + " (re-sign the zone on the primary)");
            }
        }
        for (Map.Entry<Name, Node> entry : nodes.entrySet()) {
            Name name = entry.getKey();
            Node node = entry.getValue();
            if (node.rrsets().isEmpty() || chain.containsKey(name) || belowCut(origin, name, delegations)) {
                continue;
            }
            throw new ZoneCheckException("zone " + origin + ": the NSEC chain is broken: " + name
                    + " has data but no NSEC (re-sign the zone on the primary)");
        }
    }

    static void nsec3(Name origin, Map<String, RRset> byHash) {
        List<String> hashes = new ArrayList<>(new TreeMap<>(byHash).keySet());
        for (int i = 0; i < hashes.size(); i++) {
            String hash = hashes.get(i);
            String expected = hashes.get((i + 1) % hashes.size());
            String next = Nsec3Chain.encode(((NSEC3Record) byHash.get(hash).first()).getNext());
            if (!next.equals(expected)) {
                throw new ZoneCheckException("zone " + origin + ": the NSEC3 chain is broken at " + hash + "."
                        + origin + ": its next hashed owner is " + next + ", but the next NSEC3 is " + expected
                        + " (re-sign the zone on the primary)");
            }
        }
    }

    private static boolean belowCut(Name origin, Name name, java.util.Set<Name> delegations) {
        for (int strip = 1; strip < name.labels() - origin.labels(); strip++) {
            if (delegations.contains(new Name(name, strip))) {
                return true;
            }
        }
        return false;
    }
}
