package dev.tern.server.zone;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The RRsets at one owner name of a snapshot, each carrying the RRSIGs that cover it (RFC 4034 3: an RRSIG belongs
 * to the RRset of its type covered, not to an RRSIG RRset of its own). A node without RRsets is an empty
 * non-terminal: it exists because a name below it has data. A node may also be broken: a stored row at this name
 * could not be read, so the RRsets of that type (or, when the type itself is unknown, every answer at this name)
 * must not be served shortened. Immutable once the snapshot is built.
 */
public final class Node {
    /** The broken-type marker meaning "every type at this name": the row's type could not be read either. */
    public static final int ANY_TYPE = -1;

    static final Node EMPTY_NON_TERMINAL = new Node(Map.of(), Set.of());

    private final Map<Integer, RRset> rrsets;
    private final List<RRset> withData;
    private final Set<Integer> brokenTypes;

    Node(Map<Integer, RRset> rrsets, Set<Integer> brokenTypes) {
        this.rrsets = Collections.unmodifiableMap(new LinkedHashMap<>(rrsets));
        List<RRset> data = new ArrayList<>(rrsets.size());
        for (RRset rrset : rrsets.values()) {
            if (rrset.size() > 0) {
                data.add(rrset);
            }
        }
        this.withData = List.copyOf(data);
        this.brokenTypes = Set.copyOf(brokenTypes);
    }

    /** The RRset of this type with its signatures, or null when the name has no record of this type. */
    public RRset get(int type) {
        RRset rrset = rrsets.get(type);
        return rrset == null || rrset.size() == 0 ? null : rrset;
    }

    /** Every RRset with records at this name (RRSIGs travel with the RRset they cover). */
    public Collection<RRset> rrsets() {
        return withData;
    }

    /**
     * Every RRSIG at this name, one signature-only RRset per type covered (an answer to a query for type RRSIG);
     * empty when there is none.
     */
    public List<RRset> signatures() {
        List<RRset> all = new ArrayList<>(2);
        for (RRset rrset : rrsets.values()) {
            if (rrset.sigSize() > 0) {
                RRset sigs = new RRset();
                rrset.sigs().forEach(sigs::addRR);
                all.add(sigs);
            }
        }
        return all;
    }

    /** Every record at this name, signatures included, for transfers, diffs and the database. */
    public List<Record> records() {
        List<Record> records = new ArrayList<>();
        for (RRset rrset : rrsets.values()) {
            records.addAll(rrset.rrs(false));
            records.addAll(rrset.sigs());
        }
        return records;
    }

    public boolean isEmptyNonTerminal() {
        return rrsets.isEmpty() && brokenTypes.isEmpty();
    }

    public boolean hasCname() {
        return get(Type.CNAME) != null;
    }

    /**
     * True when an answer for {@code qtype} at this name would leave out a row that could not be read: the row's
     * type, ANY, CNAME (which decides every type), or any type when the row's type was unreadable too.
     */
    public boolean isBrokenFor(int qtype) {
        if (brokenTypes.isEmpty()) {
            return false;
        }
        return qtype == Type.ANY || brokenTypes.contains(qtype) || brokenTypes.contains(ANY_TYPE)
                || brokenTypes.contains(Type.CNAME);
    }
}
