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
import org.xbill.DNS.SOARecord;
import dev.tern.server.secondary.Refresh;
import dev.tern.server.secondary.RefreshOutcome;
import dev.tern.server.secondary.ZoneWriter;
import dev.tern.server.store.DomainRow;
import dev.tern.server.store.ZoneJournal;
import dev.tern.server.store.StoreException;
import dev.tern.server.store.ZoneStore;
import dev.tern.server.store.ZoneTransaction;
import dev.tern.server.zone.Zone;
import dev.tern.server.zone.ZoneChange;
import dev.tern.server.zone.ZoneSnapshot;
import dev.tern.server.zone.ZoneSnapshotBuilder;
import dev.tern.server.zone.Zones;

/**
 * Writes transferred zones through the store, then publishes the snapshot read back from what was written. Each
 * transfer is ONE transaction holding the records (and metadata), the journal entry IXFR-out answers from, and the
 * zone's state (timers, last primary, {@code domains.last_check}), so a process killed at any moment leaves either
 * the old zone with its old journal and state or the new zone with its journal entry and state:
 *
 * <pre>
 *  AXFR: first batch -> BEGIN -> delete rows -> append batch ... append last batch -> read back: would it load?
 *                                                                                    -> rectify in place -+
 *  IXFR: check (would it load?) -> BEGIN -> diff rows ------------------------------------------------------+
 *                                                                                                          v
 *        read back -> journal + prune -> state -> COMMIT -> publish
 *        any step fails, or the transfer fails between batches -> ROLLBACK: old zone, journal, state
 * </pre>
 *
 * A whole zone is written batch by batch while it is transferred ({@link #replacing}), so memory during an AXFR
 * holds a batch, not the zone; only the snapshot read back at the end holds the whole zone, as serving it needs.
 *
 * IXFR changes are first checked against the snapshot served (every record to remove must be there), so that an
 * inconsistent journal on the primary leads to an AXFR instead of a corrupt zone.
 */
public final class StoreZoneWriter implements ZoneWriter {
    private static final Logger logger = LoggerFactory.getLogger(StoreZoneWriter.class);

    /** Writes the state a transfer leads to, inside the transfer's transaction; see {@link Secondaries}. */
    public interface TransferState {
        void write(ZoneTransaction transaction, Name zone, SOARecord soa, RefreshOutcome.Transferred outcome);
    }

    private final ZoneStore store;
    private final ZoneJournal journal;
    private final Zones zones;
    private final Clock clock;
    private final ZonePublisher publisher;
    private volatile TransferState state = (transaction, zone, soa, outcome) -> { };

    public StoreZoneWriter(ZoneStore store, ZoneJournal journal, Zones zones, Clock clock, ZonePublisher publisher) {
        this.store = requireNonNull(store, "store");
        this.journal = requireNonNull(journal, "journal");
        this.zones = requireNonNull(zones, "zones");
        this.clock = requireNonNull(clock, "clock");
        this.publisher = requireNonNull(publisher, "publisher");
    }

    /** Who writes the zone state with each transfer; without one, only records and journal are written. */
    public void recordStateWith(TransferState value) {
        this.state = requireNonNull(value, "value");
    }

    @Override
    public ZoneSnapshot replace(Name name, List<Record> records, RefreshOutcome.Transferred outcome) {
        try (Replacement replacement = replacing(name)) {
            return replacement.commit(records, outcome);
        }
    }

    @Override
    public Replacement replacing(Name name) {
        Zone zone = zone(name);
        DomainRow row = row(zone);
        return new Replacement() {
            private ZoneTransaction transaction;

            @Override
            public void add(List<Record> batch) {
                if (transaction == null) {
                    transaction = store.begin();
                    store.clearRecords(transaction, row);
                }
                store.appendRecords(transaction, row, batch);
            }

            @Override
            public ZoneSnapshot commit(List<Record> last, RefreshOutcome.Transferred outcome) {
                add(last);
                // Data that would not load (broken denial chain, CNAME beside data) is rolled back, never served.
                store.checkRecords(transaction, row);
                store.rectifyRecords(transaction, row);
                ZoneSnapshot snapshot = StoreZoneWriter.this.commit(transaction, zone, row, outcome);
                publisher.publishCommitted(zone, snapshot);
                return snapshot;
            }

            @Override
            public void close() {
                if (transaction != null) {
                    transaction.close();
                }
            }
        };
    }

    @Override
    public ZoneSnapshot apply(Name name, ZoneSnapshot base, List<ZoneChange> deltas,
                              RefreshOutcome.Transferred outcome) {
        Zone zone = zone(name);
        DomainRow row = row(zone);
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
        check(name, records);
        ZoneSnapshot snapshot;
        try (ZoneTransaction transaction = store.begin()) {
            journal.apply(transaction, row.id(), name, changes, before, records, clock.instant());
            snapshot = commit(transaction, zone, row, outcome);
        }
        publisher.publishCommitted(zone, snapshot);
        return snapshot;
    }

    /**
     * Reads the zone back as written (SQL is the truth: the snapshot served is the one committed), journals the
     * change from the snapshot served, writes the state, and commits all of it at once.
     */
    private ZoneSnapshot commit(ZoneTransaction transaction, Zone zone, DomainRow row,
                                RefreshOutcome.Transferred outcome) {
        ZoneSnapshot snapshot = store.load(transaction, row);
        publisher.journal(transaction, zone, snapshot);
        state.write(transaction, row.name(), snapshot.soa(), outcome);
        transaction.commit();
        logger.debug("[{}] {}-in from {}: serial {} committed with its journal entry and state", row.name(),
                outcome.type(), outcome.primary(), snapshot.serial());
        return snapshot;
    }

    private static void check(Name name, Iterable<Record> records) {
        ZoneSnapshotBuilder check = new ZoneSnapshotBuilder(name);
        records.forEach(check::add);
        check.build();
    }

    private Zone zone(Name name) {
        Zone zone = zones.table().get(name);
        if (zone == null) {
            throw new StoreException("zone " + name + " is no longer in the database");
        }
        return zone;
    }

    private static DomainRow row(Zone zone) {
        return new DomainRow(zone.id(), zone.name(), zone.kind(), null, null);
    }
}
