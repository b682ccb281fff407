package dev.tern.server.zone;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Type;

/**
 * The RRsets at one owner name of a snapshot. A node without RRsets is an empty non-terminal: it exists because a
 * name below it has data. Immutable once the snapshot is built.
 */
public final class Node {
    static final Node EMPTY_NON_TERMINAL = new Node(Map.of());

    private final Map<Integer, RRset> rrsets;

    Node(Map<Integer, RRset> rrsets) {
        this.rrsets = Collections.unmodifiableMap(new LinkedHashMap<>(rrsets));
    }

    /** The RRset of this type, or null. */
    public RRset get(int type) {
        return rrsets.get(type);
    }

    /** Every RRset at this name. */
    public Collection<RRset> rrsets() {
        return rrsets.values();
    }

    public boolean isEmptyNonTerminal() {
        return rrsets.isEmpty();
    }

    public boolean hasCname() {
        return rrsets.containsKey(Type.CNAME);
    }
}
