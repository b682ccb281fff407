package dev.tern.server.zone;

import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;

/**
 * The NSEC chain of a signed zone (RFC 4034 4), indexed by owner name in canonical order (RFC 4034 6.1; dnsjava's
 * {@link Name#compareTo} is that order), so the NSEC that matches or covers any name is found without a scan.
 */
public final class NsecChain {
    private final NavigableMap<Name, RRset> byOwner;

    NsecChain(Map<Name, RRset> nsecs) {
        this.byOwner = new TreeMap<>(nsecs);
    }

    /** The NSEC RRset at exactly this name, or null. */
    public RRset matching(Name name) {
        return byOwner.get(name);
    }

    /**
     * The NSEC RRset that covers a name that does not exist: the one at the greatest owner before it in canonical
     * order. The apex sorts before every name of the zone, so a name of the zone always has one.
     */
    public RRset covering(Name name) {
        Map.Entry<Name, RRset> before = byOwner.lowerEntry(name);
        return before != null ? before.getValue() : byOwner.lastEntry().getValue();
    }

    public int size() {
        return byOwner.size();
    }
}
