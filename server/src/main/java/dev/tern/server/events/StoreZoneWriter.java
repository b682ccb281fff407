package dev.tern.server.events;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import dev.tern.server.secondary.Refresh;
import dev.tern.server.secondary.ZoneWriter;
import dev.tern.server.store.DomainRow;
import dev.tern.server.store.StoreException;
import dev.tern.server.store.ZoneJournal;
import dev.tern.server.store.ZoneStore;
import dev.tern.server.zone.ZoneChange;
import dev.tern.server.zone.Zone;
import dev.tern.server.zone.ZoneSnapshot;
import dev.tern.server.zone.Zones;

/**
 * Writes transferred zones through the store, one transaction each, then rebuilds the snapshot from what was
 * committed and publishes it. IXFR changes are first checked against the snapshot served (every record to remove
 * must be there), so that an inconsistent journal on the primary leads to an AXFR instead of a corrupt zone.
 */
public final class StoreZoneWriter implements ZoneWriter {
    private static final Logger logger = LoggerFactory.getLogger(StoreZoneWriter.class);

    private final ZoneStore store;
    private final ZoneJournal journal;
    private final Zones zones;
    private final Clock clock;
    private final ZonePublisher publisher;

    public StoreZoneWriter(ZoneStore store, ZoneJournal journal, Zones zones, Clock clock, ZonePublisher publisher) {
        this.store = requireNonNull(store, "store");
        this.journal = requireNonNull(journal, "journal");
        this.zones = requireNonNull(zones, "zones");
        this.clock = requireNonNull(clock, "clock");
        this.publisher = requireNonNull(publisher, "publisher");
    }

    @Override
    public ZoneSnapshot replace(Name name, List<Record> records) {
        DomainRow row = row(name);
        // Check before writing: data that would not load must not replace data that does.
        dev.tern.server.zone.ZoneSnapshotBuilder check = new dev.tern.server.zone.ZoneSnapshotBuilder(name);
        records.forEach(check::add);
        ZoneSnapshot written = check.build();
        store.replaceRecords(row, records);
        return publish(row, written);
    }

    @Override
    public ZoneSnapshot apply(Name name, ZoneSnapshot base, List<ZoneChange> deltas) {
        DomainRow row = row(name);
        Set<Record> records = new HashSet<>();
        base.forEachRecord(records::add);
        List<Record> before = new ArrayList<>(records);
        List<ZoneChange> changes = new ArrayList<>();
        for (ZoneChange delta : deltas) {
            if (!records.remove(delta.from())) {
                throw new Refresh.InconsistentChangesException("IXFR change from serial " + delta.from().getSerial()
                        + " does not start at the SOA we hold");
            }
            for (Record record : delta.removed()) {
                if (!records.remove(record)) {
                    throw new Refresh.InconsistentChangesException("IXFR removes " + record + ", which we do not"
                            + " hold");
                }
            }
            records.add(delta.to());
            records.addAll(delta.added());
            changes.add(delta);
        }
        dev.tern.server.zone.ZoneSnapshotBuilder check = new dev.tern.server.zone.ZoneSnapshotBuilder(name);
        records.forEach(check::add);
        ZoneSnapshot written = check.build();
        journal.apply(row.id(), name, changes, before, records, clock.instant());
        return publish(row, written);
    }

    /**
     * Publishes what was committed, as read back from the store; when it cannot be read back, the snapshot checked
     * before the write, built from the same records: the write is committed, so serving the old zone would leave
     * the zone served behind the one stored, and the next IXFR would start from a serial SQL no longer holds.
     */
    private ZoneSnapshot publish(DomainRow row, ZoneSnapshot written) {
        ZoneSnapshot snapshot;
        try {
            snapshot = store.load(row);
        } catch (RuntimeException e) {
            // Whatever failed (the database, or a bug in reading), the write is committed.
            logger.warn("[{}] serial {} is stored, but reading it back failed, so it is served as transferred;"
                    + " the next load from the database replaces it: {}", row.name(), written.serial(),
                    dev.tern.server.zone.Problems.describe(e));
            logger.debug("[{}] read-back failure", row.name(), e);
            snapshot = written;
        }
        Zone zone = zones.table().get(row.name());
        if (zone != null) {
            publisher.publish(zone, snapshot);
        }
        return snapshot;
    }

    private DomainRow row(Name name) {
        Zone zone = zones.table().get(name);
        if (zone == null) {
            throw new StoreException("zone " + name + " is no longer in the database");
        }
        return new DomainRow(zone.id(), name, zone.kind(), null, null);
    }
}
