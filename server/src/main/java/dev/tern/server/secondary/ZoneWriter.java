package dev.tern.server.secondary;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import dev.tern.server.zone.ZoneSnapshot;
import dev.tern.server.zone.ZoneChange;

/**
 * Where a refresh writes what it transferred: each call is ONE SQL transaction, all or nothing, holding the records,
 * the journal entry and the zone state that {@code outcome} leads to, and on success returns the snapshot rebuilt
 * from what was committed. Implemented over the store.
 */
public interface ZoneWriter {
    /** Replaces the zone's records with a whole zone (AXFR); {@code outcome} is what the refresh reports after. */
    ZoneSnapshot replace(Name zone, List<Record> records, RefreshOutcome.Transferred outcome);

    /**
     * Starts writing a whole zone batch by batch as it arrives (AXFR): one transaction, committed by
     * {@link Replacement#commit} only. This default collects the batches and calls {@link #replace}.
     */
    default Replacement replacing(Name zone) {
        List<Record> records = new ArrayList<>();
        return new Replacement() {
            @Override
            public void add(List<Record> batch) {
                records.addAll(batch);
            }

            @Override
            public ZoneSnapshot commit(List<Record> last, RefreshOutcome.Transferred outcome) {
                records.addAll(last);
                return replace(zone, records, outcome);
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * A whole zone being written: batches go into one open transaction; {@link #commit} adds the last batch, checks
     * that the zone loads, and commits it with its journal entry and state; {@link #close} without a commit rolls
     * back. Used by one thread.
     */
    interface Replacement extends AutoCloseable {
        /** Writes one batch of records, in the order of the transfer. */
        void add(List<Record> batch);

        /** Writes the last batch and commits the zone; the snapshot is rebuilt from what was committed. */
        ZoneSnapshot commit(List<Record> last, RefreshOutcome.Transferred outcome);

        /** Rolls back what was not committed. */
        @Override
        void close();
    }

    /** Applies IXFR changes to the zone as a diff, and journals each; the current snapshot must be {@code base}. */
    ZoneSnapshot apply(Name zone, ZoneSnapshot base, List<ZoneChange> deltas, RefreshOutcome.Transferred outcome);
}
