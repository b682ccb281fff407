package dev.tern.server.events;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import dev.tern.server.store.DomainRow;
import dev.tern.server.store.StoreException;
import dev.tern.server.store.ZoneStore;
import dev.tern.server.zone.Problems;
import dev.tern.server.zone.Zone;
import dev.tern.server.zone.ZoneCheckException;
import dev.tern.server.zone.ZoneSnapshot;
import dev.tern.server.zone.ZoneTable;
import dev.tern.server.zone.Zones;

/**
 * The LOAD path: compares the zone list and apex SOAs in SQL with what is served, and loads what changed. A row
 * that cannot be read is served as broken (its name answers SERVFAIL for its type; {@link ZonePublisher} logs it);
 * a zone whose data fails its checks as a whole (no readable SOA) keeps serving its last good snapshot, and the log
 * names the offending row. Not
 * thread-safe: one worker thread calls {@link #sync()}.
 */
public final class ZoneLoader {
    private static final Logger logger = LoggerFactory.getLogger(ZoneLoader.class);

    private final ZoneStore store;
    private final Zones zones;
    /** The apex SOA content last loaded (or last failed) per zone id, to notice changes cheaply. */
    private final Map<Long, String> seenSoa = new HashMap<>();

    private final ZonePublisher publisher;

    public ZoneLoader(ZoneStore store, Zones zones, ZonePublisher publisher) {
        this.store = requireNonNull(store, "store");
        this.zones = requireNonNull(zones, "zones");
        this.publisher = requireNonNull(publisher, "publisher");
    }

    /** Brings the served zones in line with SQL; returns the number of zones loaded or reloaded. */
    public int sync() {
        List<DomainRow> rows;
        try {
            rows = store.domains();
        } catch (StoreException e) {
            logger.warn("cannot read the zone list, serving what is loaded: {}", e.getMessage());
            return 0;
        }
        ZoneTable current = zones.table();
        List<Zone> next = new ArrayList<>(rows.size());
        boolean tableChanged = false;
        int loaded = 0;
        Map<Name, Boolean> present = new HashMap<>();
        for (DomainRow row : rows) {
            if (present.put(row.name(), Boolean.TRUE) != null) {
                logger.error("[{}] domains row {}: a second row for the same zone; ignored", row.name(), row.id());
                continue;
            }
            Zone zone = current.get(row.name());
            if (zone == null || zone.id() != row.id() || zone.kind() != row.kind()) {
                zone = new Zone(row.name(), row.id(), row.kind(), null);
                seenSoa.remove(row.id());
                tableChanged = true;
            }
            // Load what is new or whose apex SOA changed; a failed load is retried when the SOA changes, so a
            // broken zone is reported once, not at every poll.
            if (!seenSoa.containsKey(row.id()) || !Objects.equals(seenSoa.get(row.id()), row.soaContent())) {
                if (load(zone, row)) {
                    loaded++;
                }
            }
            next.add(zone);
        }
        for (Zone zone : current.zones()) {
            if (!present.containsKey(zone.name())) {
                logger.info("[{}] removed from the database; no longer served", zone.name());
                seenSoa.remove(zone.id());
                tableChanged = true;
            }
        }
        if (tableChanged) {
            zones.replace(ZoneTable.of(next));
        }
        return loaded;
    }

    /** Reloads one zone now, whatever its SOA says; false when it is unknown or its data is broken. */
    public boolean reload(Name name) {
        for (DomainRow row : store.domains()) {
            if (row.name().equals(name)) {
                Zone zone = zones.table().get(name);
                if (zone == null || zone.id() != row.id()) {
                    sync();
                    return zones.table().get(name) != null && zones.table().get(name).snapshot() != null;
                }
                return load(zone, row);
            }
        }
        return false;
    }

    private boolean load(Zone zone, DomainRow row) {
        seenSoa.put(row.id(), row.soaContent());
        ZoneSnapshot previous = zone.snapshot();
        if (row.soaContent() == null && previous == null && row.kind() == dev.tern.server.zone.ZoneKind.SECONDARY) {
            logger.info("[{}] secondary zone without data yet; answering SERVFAIL until it is transferred",
                    zone.name());
            return false;
        }
        try {
            ZoneSnapshot snapshot = store.load(row);
            publisher.publish(zone, snapshot);
            int broken = snapshot.brokenRows().size();
            logger.info("[{}] loaded: serial {}, {} records{}", zone.name(), snapshot.serial(),
                    snapshot.recordCount(), broken == 0 ? "" : ", " + broken + " row" + (broken == 1 ? "" : "s")
                            + " that cannot be read");
            return true;
        } catch (ZoneCheckException e) {
            if (previous == null) {
                logger.error("[{}] not loaded, answering SERVFAIL: {}", zone.name(), e.getMessage());
            } else {
                logger.error("[{}] not reloaded, still serving serial {}: {}", zone.name(), previous.serial(),
                        e.getMessage());
            }
        } catch (StoreException e) {
            logger.warn("[{}] cannot be read now, will try again: {}", zone.name(), e.getMessage());
            seenSoa.remove(row.id());
        } catch (RuntimeException e) {
            // A bug, not bad data: say so in words, keep what is served, and leave the trace for debug logging.
            logger.error("[{}] {}: loading from the database failed unexpectedly ({}); this is a bug in Tern,"
                    + " please report it with the debug log", zone.name(), previous == null
                    ? "not loaded, answering SERVFAIL" : "not reloaded, still serving serial " + previous.serial(),
                    Problems.describe(e));
            logger.debug("[{}] load failure", zone.name(), e);
        }
        return false;
    }
}
