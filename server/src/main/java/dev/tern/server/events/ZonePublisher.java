package dev.tern.server.events;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.tern.server.secondary.Serials;
import dev.tern.server.store.ZoneJournal;
import dev.tern.server.rdata.RecordTypes;
import dev.tern.server.store.StoreException;
import dev.tern.server.store.ZoneTransaction;
import dev.tern.server.zone.Zone;
import dev.tern.server.zone.ZoneChange;
import dev.tern.server.zone.ZoneSnapshot;

/**
 * The one way a new snapshot becomes the served one, whoever made it (a LOAD after an edit in SQL, an AXFR or IXFR
 * in): journals the change from the previous serial when nobody did (so IXFR-out can answer it; for a transfer in,
 * inside the transfer's own transaction, see {@link StoreZoneWriter}), hands the zone its history, publishes the
 * snapshot, then tells the listener (a primary zone whose serial went up is notified). Says in the log what is served
 * other than stored: each row that cannot be read, once per serial (not at every reload of the same data), and a
 * zone that would need online signing, at every load. Worker thread only.
 */
public final class ZonePublisher {
    private static final Logger logger = LoggerFactory.getLogger(ZonePublisher.class);

    /** Told after each publish, on the zone worker. */
    public interface Listener {
        /** @param previous the snapshot served before, or null at the first load of the zone */
        void published(Zone zone, ZoneSnapshot previous, ZoneSnapshot next);
    }

    private final ZoneJournal journal;
    private final int journalDepth;
    private final long journalBytes;
    private final Clock clock;
    private volatile Listener listener = (zone, previous, next) -> { };
    /** The broken rows last reported per zone id, with their serial, so the same ones are not logged again. */
    private final Map<Long, Reported> reported = new ConcurrentHashMap<>();

    private record Reported(long serial, List<String> rows) {
    }

    public ZonePublisher(ZoneJournal journal, int journalDepth, long journalBytes, Clock clock) {
        this.journal = requireNonNull(journal, "journal");
        this.journalDepth = journalDepth;
        this.journalBytes = journalBytes;
        this.clock = requireNonNull(clock, "clock");
    }

    public void listen(Listener value) {
        this.listener = requireNonNull(value, "value");
    }

    /**
     * Makes {@code next}, read from SQL as another tool left it, the served snapshot of {@code zone}. The change from
     * the snapshot served before is journaled in a transaction of its own: the records were committed by someone
     * else, so this entry cannot commit with them.
     */
    public void publish(Zone zone, ZoneSnapshot next) {
        if (isNewer(zone.snapshot(), next)) {
            try (ZoneTransaction transaction = journal.begin()) {
                journal(transaction, zone, next);
                transaction.commit();
            } catch (RuntimeException e) {
                // The zone is served all the same, whatever failed (the database, or a bug in the journal): the
                // records are committed by now. IXFR-out answers AXFR-style until the journal is readable again.
                logger.warn("[{}] journal not updated, IXFR-out will send the whole zone: {}", zone.name(),
                        dev.tern.server.zone.Problems.describe(e));
                if (!(e instanceof StoreException)) {
                    logger.debug("[{}] journal failure", zone.name(), e);
                }
            }
        }
        publishCommitted(zone, next);
    }

    /**
     * Journals the change from the served snapshot to {@code next} (unless an IXFR-in journaled it already) and
     * prunes the journal, inside {@code transaction}: a zone written by this process commits its journal entry with
     * its records. Nothing is journaled when {@code next} is not newer (RFC 1982) than what is served.
     */
    void journal(ZoneTransaction transaction, Zone zone, ZoneSnapshot next) {
        ZoneSnapshot previous = zone.snapshot();
        if (isNewer(previous, next)) {
            journal.record(transaction, zone.id(), ZoneChange.between(previous, next), clock.instant());
            journal.prune(transaction, zone.id(), journalDepth, journalBytes);
        }
    }

    /** Makes {@code next}, whose journal entry is committed already, the served snapshot of {@code zone}. */
    void publishCommitted(Zone zone, ZoneSnapshot next) {
        ZoneSnapshot previous = zone.snapshot();
        if (previous == null || isNewer(previous, next)) {
            try {
                zone.setHistory(chainTo(journal.read(zone.id(), zone.name()), next.serial()));
            } catch (RuntimeException e) {
                // The zone is served all the same; IXFR-out answers AXFR-style until the journal is readable again.
                logger.warn("[{}] journal not read, IXFR-out will send the whole zone: {}", zone.name(),
                        dev.tern.server.zone.Problems.describe(e));
                zone.setHistory(List.of());
            }
        }
        zone.publish(next);
        report(zone, next);
        listener.published(zone, previous, next);
    }

    private static boolean isNewer(ZoneSnapshot previous, ZoneSnapshot next) {
        return previous != null && Serials.isNewer(next.serial(), previous.serial());
    }

    private void report(Zone zone, ZoneSnapshot next) {
        Reported now = new Reported(next.serial(), next.brokenRows());
        Reported before = reported.put(zone.id(), now);
        if (!next.brokenRows().isEmpty() && !now.equals(before)) {
            for (String row : next.brokenRows()) {
                logger.error("[{}] serial {}: {}", zone.name(), next.serial(), row);
            }
            logger.error("[{}] serial {} is served without {} row{} it cannot read; transfers out are refused"
                    + " until they are fixed (ternctl zone check {} lists them)", zone.name(), next.serial(),
                    next.brokenRows().size(), next.brokenRows().size() == 1 ? "" : "s", zone.name());
        }
        next.signingProblem().ifPresent(problem -> logger.error("[{}] serial {} served unsigned: {}", zone.name(),
                next.serial(), problem));
        if (before == null || before.serial() != next.serial()) {
            reportAliases(zone, next);
        }
    }

    /** PowerDNS's ALIAS needs a resolver, which Tern does not have: say once per serial what its names answer. */
    private static void reportAliases(Zone zone, ZoneSnapshot next) {
        List<String> owners = new java.util.ArrayList<>();
        next.nodes().forEach((name, node) -> {
            if (node.get(RecordTypes.ALIAS) != null) {
                owners.add(name.toString());
            }
        });
        if (!owners.isEmpty()) {
            java.util.Collections.sort(owners);
            logger.warn("[{}] serial {}: ALIAS at {} is served and transferred as stored, but Tern does not resolve"
                    + " ALIAS targets, so A and AAAA questions there get no addresses (NODATA); replace each ALIAS"
                    + " by the A and AAAA records it stands for", zone.name(), next.serial(),
                    String.join(", ", owners.size() > 10 ? owners.subList(0, 10) : owners)
                            + (owners.size() > 10 ? " and " + (owners.size() - 10) + " more" : ""));
        }
    }

    /** The longest run of journaled changes, each starting where the one before ended, that ends at {@code serial}. */
    static List<ZoneChange> chainTo(List<ZoneChange> changes, long serial) {
        int end = changes.size();
        while (end > 0 && changes.get(end - 1).to().getSerial() != serial) {
            end--;
        }
        if (end == 0) {
            return List.of();
        }
        int start = end - 1;
        while (start > 0 && changes.get(start - 1).to().getSerial() == changes.get(start).from().getSerial()) {
            start--;
        }
        return List.copyOf(changes.subList(start, end));
    }
}
