package dev.tern.server.zone;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.xbill.DNS.Name;

/**
 * The set of zones served, immutable: a new table is built when a zone is added or removed. Finds the closest
 * enclosing zone of a name by walking up its labels.
 */
public final class ZoneTable {
    private static final ZoneTable EMPTY = new ZoneTable(Map.of());

    private final Map<Name, Zone> zones;

    private ZoneTable(Map<Name, Zone> zones) {
        this.zones = Map.copyOf(zones);
    }

    public static ZoneTable empty() {
        return EMPTY;
    }

    public static ZoneTable of(Collection<Zone> zones) {
        Map<Name, Zone> map = new HashMap<>();
        for (Zone zone : zones) {
            if (map.put(zone.name(), zone) != null) {
                throw new IllegalArgumentException("zones: " + zone.name() + " twice (expected: each zone once)");
            }
        }
        return new ZoneTable(map);
    }

    /** The zone with the longest name that is an ancestor of (or equal to) qname, or null. */
    public Zone closest(Name qname) {
        Zone zone = zones.get(qname);
        if (zone != null) {
            return zone;
        }
        int labels = qname.labels();
        for (int strip = 1; strip < labels; strip++) {
            zone = zones.get(new Name(qname, strip));
            if (zone != null) {
                return zone;
            }
        }
        return null;
    }

    /** The zone with exactly this name, or null. */
    public Zone get(Name name) {
        return zones.get(name);
    }

    public Collection<Zone> zones() {
        return zones.values();
    }

    public int size() {
        return zones.size();
    }
}
