package dev.tern.server.zone;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSEC3PARAMRecord;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * Collects the records of one zone and builds a checked {@link ZoneSnapshot}. The checks are the ones that make a
 * zone unservable: exactly one SOA, at the apex; nothing outside the zone; a CNAME alone at its name but for its
 * DNSSEC records (RFC 1034 3.6.2, RFC 2181 10.1, RFC 4035 2.5). Each failure names the record, so the operator can
 * find the row. RRSIGs join the RRset they cover; NSEC3 records and their signatures form the NSEC3 chain, apart from
 * the names of the zone (RFC 5155 7.2.9: their owner names do not exist for queries).
 */
public final class ZoneSnapshotBuilder {
    private final Name origin;
    private final Map<Name, Map<Integer, RRset>> names = new HashMap<>();
    private final Map<Name, Map<Integer, RRset>> nsec3Names = new HashMap<>();
    private final Map<Name, Set<Integer>> broken = new HashMap<>();
    private final List<String> brokenRows = new ArrayList<>();
    private String signingProblem;
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
            if (soa != null && !soa.equals(record)) {
                throw new ZoneCheckException(where(source) + "a second SOA at the apex: " + record);
            }
            soa = (SOARecord) record;
        }
        int rrsetType = record instanceof RRSIGRecord ? ((RRSIGRecord) record).getTypeCovered() : type;
        Map<Name, Map<Integer, RRset>> tree = rrsetType == Type.NSEC3 ? nsec3Names : names;
        Map<Integer, RRset> node = tree.computeIfAbsent(owner, n -> new LinkedHashMap<>());
        RRset rrset = node.get(rrsetType);
        if (rrset == null) {
            node.put(rrsetType, new RRset(record));
        } else {
            if (rrset.rrs(false).contains(record) || rrset.sigs().contains(record)) {
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

    /**
     * Records a row that could not be read, so that its name answers SERVFAIL for its type instead of a shortened
     * RRset, and every other name is served.
     *
     * @param type the row's type, or {@link Node#ANY_TYPE} when the type itself could not be read
     * @param description the row and what is wrong with it, in words, for the log and {@code zone-status}
     */
    public ZoneSnapshotBuilder addBroken(Name owner, int type, String description) {
        requireNonNull(description, "description");
        if (!owner.subdomain(origin)) {
            return addBrokenRow(description);
        }
        broken.computeIfAbsent(owner, n -> new HashSet<>()).add(type);
        names.computeIfAbsent(owner, n -> new LinkedHashMap<>());
        brokenRows.add(description);
        return this;
    }

    /**
     * Records a row that could not be read and belongs to no name of the zone (its owner name does not parse, or
     * lies outside the zone): it is only listed, for the log and {@code zone-status}; no answer changes.
     */
    public ZoneSnapshotBuilder addBrokenRow(String description) {
        brokenRows.add(requireNonNull(description, "description"));
        return this;
    }

    /**
     * Says that the stored zone would need signing that Tern does not do (keys without signatures), so it is
     * served as stored; the description is for the log and {@code zone-status}.
     */
    public ZoneSnapshotBuilder signingProblem(String description) {
        this.signingProblem = requireNonNull(description, "description");
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
        Map<Name, RRset> nsecs = new HashMap<>();
        for (Map.Entry<Name, Map<Integer, RRset>> entry : names.entrySet()) {
            Name name = entry.getKey();
            Map<Integer, RRset> rrsets = entry.getValue();
            RRset cname = rrsets.get(Type.CNAME);
            if (cname != null && cname.size() > 0) {
                for (Map.Entry<Integer, RRset> other : rrsets.entrySet()) {
                    // RFC 4035 2.5: a CNAME may have its RRSIG (kept with it) and NSEC beside it, nothing else.
                    int type = other.getKey();
                    if (type != Type.CNAME && type != Type.NSEC && other.getValue().size() > 0) {
                        throw new ZoneCheckException("zone " + origin + ": " + name + " has a CNAME and other data ("
                                + Type.string(type) + "); a CNAME must stand alone");
                    }
                }
                if (cname.size() > 1) {
                    throw new ZoneCheckException("zone " + origin + ": " + name + " has more than one CNAME");
                }
            }
            RRset ns = rrsets.get(Type.NS);
            if (!name.equals(origin) && ns != null && ns.size() > 0) {
                delegations.add(name);
            }
            RRset nsec = rrsets.get(Type.NSEC);
            if (nsec != null && nsec.size() > 0) {
                nsecs.put(name, nsec);
            }
            nodes.put(name, new Node(rrsets, broken.getOrDefault(name, Set.of())));
        }
        // Every ancestor of an owner, up to the apex, exists: those without data are empty non-terminals.
        for (Name name : names.keySet()) {
            for (int strip = 1; strip < name.labels() - origin.labels(); strip++) {
                Name ancestor = new Name(name, strip);
                nodes.putIfAbsent(ancestor, Node.EMPTY_NON_TERMINAL);
            }
        }
        boolean signed = names.containsKey(origin) && names.get(origin).get(Type.SOA) != null
                && names.get(origin).get(Type.SOA).sigSize() > 0;
        if (signed && !nsecs.isEmpty()) {
            DenialChainCheck.nsec(origin, nodes, nsecs, delegations);
        }
        Map<Name, Node> nsec3Nodes = new HashMap<>();
        nsec3Names.forEach((name, rrsets) -> nsec3Nodes.put(name, new Node(rrsets, Set.of())));
        return new ZoneSnapshot(origin, soa, nodes, nsec3Nodes, delegations, recordCount,
                nsecs.isEmpty() ? null : new NsecChain(nsecs), nsec3Chain(nodes.get(origin), signed), brokenRows,
                signingProblem);
    }

    /**
     * The NSEC3 chain named by the apex NSEC3PARAM (RFC 5155 4: several chains may exist during a change of
     * parameters; the one the NSEC3PARAM names is complete), or by the first NSEC3 when there is no NSEC3PARAM.
     */
    private Nsec3Chain nsec3Chain(Node apex, boolean signed) {
        if (nsec3Names.isEmpty()) {
            return null;
        }
        NSEC3PARAMRecord parameters = null;
        RRset nsec3param = apex == null ? null : apex.get(Type.NSEC3PARAM);
        if (nsec3param != null) {
            NSEC3PARAMRecord first = (NSEC3PARAMRecord) nsec3param.first();
            parameters = new NSEC3PARAMRecord(origin, DClass.IN, 0, first.getHashAlgorithm(), 0,
                    first.getIterations(), first.getSalt());
        }
        Map<String, RRset> byHash = new HashMap<>();
        for (Map.Entry<Name, Map<Integer, RRset>> entry : nsec3Names.entrySet()) {
            Name owner = entry.getKey();
            RRset rrset = entry.getValue().get(Type.NSEC3);
            if (rrset == null || rrset.size() == 0 || owner.labels() != origin.labels() + 1) {
                continue;
            }
            NSEC3Record nsec3 = (NSEC3Record) rrset.first();
            if (parameters == null) {
                parameters = new NSEC3PARAMRecord(origin, DClass.IN, 0, nsec3.getHashAlgorithm(), 0,
                        nsec3.getIterations(), nsec3.getSalt());
            }
            if (nsec3.getHashAlgorithm() == parameters.getHashAlgorithm()
                    && nsec3.getIterations() == parameters.getIterations()
                    && Arrays.equals(salt(nsec3.getSalt()), salt(parameters.getSalt()))) {
                byHash.put(Nsec3Chain.label(owner), rrset);
            }
        }
        if (parameters == null || byHash.isEmpty() || !Nsec3Chain.hashable(parameters)) {
            return null;
        }
        if (signed) {
            DenialChainCheck.nsec3(origin, byHash);
        }
        return new Nsec3Chain(origin, parameters, byHash);
    }

    private static byte[] salt(byte[] salt) {
        return salt == null ? new byte[0] : salt;
    }

    private static String where(String source) {
        return source == null ? "" : source + ": ";
    }
}
