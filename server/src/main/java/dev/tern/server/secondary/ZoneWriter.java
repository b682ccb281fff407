package dev.tern.server.secondary;

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

    /** Applies IXFR changes to the zone as a diff, and journals each; the current snapshot must be {@code base}. */
    ZoneSnapshot apply(Name zone, ZoneSnapshot base, List<ZoneChange> deltas, RefreshOutcome.Transferred outcome);
}
