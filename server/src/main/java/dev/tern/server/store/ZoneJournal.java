package dev.tern.server.store;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import dev.tern.server.zone.ZoneChange;

/**
 * The IXFR journal of the zones, as the zone events use it: IXFR-in applied as a diff and journaled, other changes
 * journaled after the fact, pruned, read back for IXFR-out. Blocking; failures are {@link StoreException}s.
 * {@link Journal} is the one implementation; the interface is the seam tests wrap to fail a call.
 */
public interface ZoneJournal {
    /** Starts a transaction on the journal's database, for {@link #record} and {@link #prune} to share. */
    ZoneTransaction begin();

    /** See {@link Journal#apply}: rows and journal inside the caller's transaction. */
    void apply(ZoneTransaction transaction, long domainId, Name origin, List<ZoneChange> changes,
               Collection<Record> before, Collection<Record> after, Instant now);

    /** Journals a change whose records are already in SQL, unless it is journaled already. */
    void record(ZoneTransaction transaction, long domainId, ZoneChange change, Instant now);

    /** Keeps the newest changes of a zone within these bounds. */
    void prune(ZoneTransaction transaction, long domainId, int depth, long maxBytes);

    /** The journaled changes of a zone, oldest first. */
    List<ZoneChange> read(long domainId, Name origin);
}
