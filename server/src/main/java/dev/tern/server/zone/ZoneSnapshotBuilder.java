package dev.tern.server.zone;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * Collects the records of one zone and builds a checked {@link ZoneSnapshot}. The checks are the ones that make a
 * zone unservable: exactly one SOA, at the apex; nothing outside the zone; a CNAME alone at its name (RFC 1034 3.6.2,
 * RFC 2181 10.1). Each failure names the record, so the operator can find the row.
 */
public final class ZoneSnapshotBuilder {
    private final Name origin;
    private final Map<Name, Map<Integer, RRset>> names = new HashMap<>();
    private SOARecord soa;
    private int recordCount;

    public ZoneSnapshotBuilder(Name origin) {
        this.origin = requireNonNull(origin, "origin");
        if (!origin.isAbsolute()) {
            throw new IllegalArgumentException("origin: " + origin + " (expected: an absolute name)");
        }
    }

    public Name origin() {
        return origin;
    }

    /** Adds one record; {@code source} says where it came from (e.g. "records row 17") for error messages. */
    public ZoneSnapshotBuilder add(Record record, String source) {
        if (record.getDClass() != DClass.IN) {
            throw new ZoneCheckException(where(source) + "class " + DClass.string(record.getDClass())
                    + " in " + record + " (expected: IN)");
        }
        Name owner = record.getName();
        if (!owner.subdomain(origin)) {
            throw new ZoneCheckException(where(source) + record + " is outside the zone " + origin);
        }
        int type = record.getType();
        if (type == Type.SOA) {
            if (!owner.equals(origin)) {
                throw new ZoneCheckException(where(source) + "SOA at " + owner + " (expected: only at the apex "
                        + origin + ")");
            }
            if (soa != null) {
                throw new ZoneCheckException(where(source) + "a second SOA at the apex: " + record);
            }
            soa = (SOARecord) record;
        }
        Map<Integer, RRset> node = names.computeIfAbsent(owner, n -> new LinkedHashMap<>());
        RRset rrset = node.get(type);
        if (rrset == null) {
            node.put(type, new RRset(record));
        } else {
            if (rrset.rrs(false).contains(record)) {
                return this;
            }
            rrset.addRR(record);
        }
        recordCount++;
        return this;
    }

    /** Adds a name without records: an empty non-terminal row, which exists even with nothing below it. */
    public ZoneSnapshotBuilder addName(Name name) {
        if (!name.subdomain(origin)) {
            throw new ZoneCheckException("empty non-terminal " + name + " is outside the zone " + origin);
        }
        names.computeIfAbsent(name, n -> new LinkedHashMap<>());
        return this;
    }

    public ZoneSnapshotBuilder add(Record record) {
        return add(record, null);
    }

    /** Checks the zone and builds the snapshot. */
    public ZoneSnapshot build() {
        if (soa == null) {
            throw new ZoneCheckException("zone " + origin + " has no SOA record at its apex");
        }
        Map<Name, Node> nodes = new HashMap<>();
        Set<Name> delegations = new HashSet<>();
        for (Map.Entry<Name, Map<Integer, RRset>> entry : names.entrySet()) {
            Name name = entry.getKey();
            Map<Integer, RRset> rrsets = entry.getValue();
            if (rrsets.containsKey(Type.CNAME) && rrsets.size() > 1) {
                throw new ZoneCheckException("zone " + origin + ": " + name + " has a CNAME and other data ("
                        + Type.string(otherType(rrsets)) + "); a CNAME must stand alone");
            }
            if (rrsets.get(Type.CNAME) != null && rrsets.get(Type.CNAME).size() > 1) {
                throw new ZoneCheckException("zone " + origin + ": " + name + " has more than one CNAME");
            }
            if (!name.equals(origin) && rrsets.containsKey(Type.NS)) {
                delegations.add(name);
            }
            nodes.put(name, new Node(rrsets));
        }
        // Every ancestor of an owner, up to the apex, exists: those without data are empty non-terminals.
        for (Name name : names.keySet()) {
            for (int strip = 1; strip < name.labels() - origin.labels(); strip++) {
                Name ancestor = new Name(name, strip);
                nodes.putIfAbsent(ancestor, Node.EMPTY_NON_TERMINAL);
            }
        }
        return new ZoneSnapshot(origin, soa, nodes, delegations, recordCount);
    }

    private static int otherType(Map<Integer, RRset> rrsets) {
        for (int type : rrsets.keySet()) {
            if (type != Type.CNAME) {
                return type;
            }
        }
        return Type.CNAME;
    }

    private static String where(String source) {
        return source == null ? "" : source + ": ";
    }
}
