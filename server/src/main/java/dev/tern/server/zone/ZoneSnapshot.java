package dev.tern.server.zone;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * One consistent version of a zone's data, immutable, read by queries without locks. Holds every owner name
 * (empty non-terminals included) with its RRsets and their signatures, the delegation points below the apex, the
 * apex SOA, and for a signed zone its NSEC chain or NSEC3 chain. Built by {@link ZoneSnapshotBuilder}, which checks
 * it.
 */
public final class ZoneSnapshot {
    private final Name origin;
    private final SOARecord soa;
    private final RRset negativeSoa;
    private final Map<Name, Node> nodes;
    private final Map<Name, Node> nsec3Nodes;
    private final Set<Name> delegations;
    private final int recordCount;
    private final NsecChain nsecChain;
    private final Nsec3Chain nsec3Chain;
    private final List<String> brokenRows;
    private final String signingProblem;

    ZoneSnapshot(Name origin, SOARecord soa, Map<Name, Node> nodes, Map<Name, Node> nsec3Nodes,
                 Set<Name> delegations, int recordCount, NsecChain nsecChain, Nsec3Chain nsec3Chain,
                 List<String> brokenRows, String signingProblem) {
        this.origin = requireNonNull(origin, "origin");
        this.soa = requireNonNull(soa, "soa");
        this.nodes = Map.copyOf(nodes);
        this.nsec3Nodes = Map.copyOf(nsec3Nodes);
        this.delegations = Set.copyOf(delegations);
        this.recordCount = recordCount;
        this.nsecChain = nsecChain;
        this.nsec3Chain = nsec3Chain;
        this.brokenRows = List.copyOf(brokenRows);
        this.signingProblem = signingProblem;
        this.negativeSoa = negativeSoa(soa, this.nodes.get(origin));
    }

    /**
     * RFC 2308 3: the TTL of the SOA in a negative answer is the minimum of its TTL and its MINIMUM field; its RRSIGs
     * go with it (RFC 4035 3.1.3) with the same TTL.
     */
    private static RRset negativeSoa(SOARecord soa, Node apex) {
        long ttl = Math.min(soa.getTTL(), soa.getMinimum());
        RRset rrset = new RRset(new SOARecord(soa.getName(), soa.getDClass(), ttl, soa.getHost(), soa.getAdmin(),
                soa.getSerial(), soa.getRefresh(), soa.getRetry(), soa.getExpire(), soa.getMinimum()));
        RRset stored = apex == null ? null : apex.get(Type.SOA);
        if (stored != null) {
            for (RRSIGRecord sig : stored.sigs()) {
                rrset.addRR(new RRSIGRecord(sig.getName(), sig.getDClass(), ttl, sig.getTypeCovered(),
                        sig.getAlgorithm(), sig.getOrigTTL(), sig.getExpire(), sig.getTimeSigned(),
                        sig.getFootprint(), sig.getSigner(), sig.getSignature()));
            }
        }
        return rrset;
    }

    public Name origin() {
        return origin;
    }

    public SOARecord soa() {
        return soa;
    }

    /**
     * The apex SOA RRset with the negative-caching TTL and its signatures, for the authority section of NXDOMAIN
     * and NODATA.
     */
    public RRset negativeSoa() {
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
        return apex == null ? null : apex.get(Type.NS);
    }

    /** The NSEC chain, or null when the zone has none (unsigned, or signed with NSEC3). */
    public NsecChain nsecChain() {
        return nsecChain;
    }

    /** The NSEC3 chain named by the apex NSEC3PARAM, or null when the zone has none. */
    public Nsec3Chain nsec3Chain() {
        return nsec3Chain;
    }

    /** True when the zone carries signatures of its own: an RRSIG over the apex SOA. */
    public boolean isSigned() {
        return negativeSoa.sigSize() > 0;
    }

    /** The rows that could not be read, each described in words; their names answer SERVFAIL. */
    public List<String> brokenRows() {
        return brokenRows;
    }

    /**
     * What keeps the zone from being served signed as its store means it (keys that call for signing Tern does not
     * do), in words; empty when nothing does.
     */
    public Optional<String> signingProblem() {
        return Optional.ofNullable(signingProblem);
    }

    public int recordCount() {
        return recordCount;
    }

    /** Every node of the names of the zone with its name, for listings; NSEC3 records are not among them. */
    public Map<Name, Node> nodes() {
        return nodes;
    }

    /** Every record of the zone, signatures and the NSEC3 chain included, the apex SOA too, in no set order. */
    public void forEachRecord(Consumer<Record> action) {
        for (Node node : nodes.values()) {
            node.records().forEach(action);
        }
        for (Node node : nsec3Nodes.values()) {
            node.records().forEach(action);
        }
    }

    /** The nodes of the zone, then those of the NSEC3 owner names: the order a transfer sends them in. */
    public Iterable<Node> allNodes() {
        return () -> Stream.concat(nodes.values().stream(), nsec3Nodes.values().stream()).iterator();
    }
}
