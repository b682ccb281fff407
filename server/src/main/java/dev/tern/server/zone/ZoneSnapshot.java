package dev.tern.server.zone;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Set;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.SOARecord;

/**
 * One consistent version of a zone's data, immutable, read by queries without locks. Holds every owner name
 * (empty non-terminals included), the delegation points below the apex, and the apex SOA. Built by
 * {@link ZoneSnapshotBuilder}, which checks it.
 */
public final class ZoneSnapshot {
    private final Name origin;
    private final SOARecord soa;
    private final SOARecord negativeSoa;
    private final Map<Name, Node> nodes;
    private final Set<Name> delegations;
    private final int recordCount;

    ZoneSnapshot(Name origin, SOARecord soa, Map<Name, Node> nodes, Set<Name> delegations, int recordCount) {
        this.origin = requireNonNull(origin, "origin");
        this.soa = requireNonNull(soa, "soa");
        this.nodes = Map.copyOf(nodes);
        this.delegations = Set.copyOf(delegations);
        this.recordCount = recordCount;
        // RFC 2308 3: the TTL of the SOA in a negative answer is the minimum of its TTL and its MINIMUM field.
        long negativeTtl = Math.min(soa.getTTL(), soa.getMinimum());
        this.negativeSoa = new SOARecord(soa.getName(), soa.getDClass(), negativeTtl, soa.getHost(),
                soa.getAdmin(), soa.getSerial(), soa.getRefresh(), soa.getRetry(), soa.getExpire(), soa.getMinimum());
    }

    public Name origin() {
        return origin;
    }

    public SOARecord soa() {
        return soa;
    }

    /** The apex SOA with the negative-caching TTL, for the authority section of NXDOMAIN and NODATA. */
    public SOARecord negativeSoa() {
        return negativeSoa;
    }

    public long serial() {
        return soa.getSerial();
    }

    /** The node at exactly this name (an empty non-terminal has one too), or null when the name does not exist. */
    public Node node(Name name) {
        return nodes.get(name);
    }

    /** True when this name, below the apex, has an NS RRset: a zone cut. */
    public boolean isDelegation(Name name) {
        return delegations.contains(name);
    }

    /** The NS RRset at the apex, or null when the zone has none. */
    public RRset apexNs() {
        Node apex = nodes.get(origin);
        return apex == null ? null : apex.get(org.xbill.DNS.Type.NS);
    }

    public int recordCount() {
        return recordCount;
    }

    /** Every node with its name, for transfers and diffs. */
    public Map<Name, Node> nodes() {
        return nodes;
    }
}
