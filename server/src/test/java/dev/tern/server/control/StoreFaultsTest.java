package dev.tern.server.control;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import dev.tern.control.protocol.ControlRequest;
import dev.tern.server.events.EventType;
import dev.tern.server.events.Secondaries;
import dev.tern.server.events.SecondaryStatus;
import dev.tern.server.events.StoreZoneWriter;
import dev.tern.server.events.StoredMssMemory;
import dev.tern.server.events.ZoneEvents;
import dev.tern.server.events.ZoneLoader;
import dev.tern.server.events.ZonePublisher;
import dev.tern.server.metrics.TernMetrics;
import dev.tern.server.secondary.Refresh;
import dev.tern.server.secondary.RefreshOutcome;
import dev.tern.server.secondary.SoaTimers;
import dev.tern.server.secondary.XfrSettings;
import dev.tern.server.store.DomainRow;
import dev.tern.server.store.JdbcZoneStore;
import dev.tern.server.store.Journal;
import dev.tern.server.store.SecondaryStore;
import dev.tern.server.store.StoreException;
import dev.tern.server.store.ZoneJournal;
import dev.tern.server.store.ZoneStateStore;
import dev.tern.server.store.ZoneStore;
import dev.tern.server.testing.FakeClock;
import dev.tern.server.testing.FaultInjector;
import dev.tern.server.testing.ScriptedPrimary;
import dev.tern.server.testing.ScriptedPrimary.Behaviour;
import dev.tern.server.testing.TestZones;
import dev.tern.server.xfr.SoaQuery;
import dev.tern.server.xfr.XfrClient;
import dev.tern.server.zone.ZoneKind;
import dev.tern.server.zone.Zones;

/**
 * Every store call of a zone event fails in turn (call 1, then call 2, ... until a run where none is left to fail),
 * as SQLite fails under a lock ({@code SQLITE_BUSY}) or as a bug does, through a {@link FaultInjector} around the
 * store interfaces. After each failure: a waiting {@code retrieve-wait} has its answer at once with the reason, a
 * failed refresh shows in {@code zone-status} and in {@code tern_refresh_total}, its retry is planned at the SOA retry
 * interval, and running the planned events on virtual time brings the zone to the primary's serial, served and stored.
 * A failure that a refresh survives (the journal for IXFR-out, the learned MSS, the timers) is said in the log.
 */
class StoreFaultsTest {
    private static final Name ZONE = Name.fromConstantString("faults.test.");
    /** SOA retry of the zone. */
    private static final long RETRY = 20;
    /** The retry of a zone without data (no SOA to take it from). */
    private static final long RETRY_WITHOUT_SOA = 60;

    @TempDir
    Path dir;

    static String zone(long serial) {
        return "$ORIGIN faults.test.\n$TTL 300\n@ SOA ns1 hostmaster " + serial + " 100 " + RETRY + " 3000 60\n"
                + "@ NS ns1\nns1 A 127.0.0.1\nwww A 127.0.0." + serial + "\nw" + serial + " TXT \"" + serial + "\"\n";
    }

    /** The zone event under test, from the state before it to the fault. */
    enum Step {
        /** The first refresh of a zone without data: SOA check, AXFR, write, load. */
        FIRST_AXFR,
        /** A refresh to a newer serial whose IXFR is answered AXFR-style. */
        AXFR,
        /** A refresh to a newer serial by a true IXFR: diff and journal in one transaction. */
        IXFR,
        /** A refresh that finds the zone up to date: only the timers are saved. */
        SOA_CHECK,
        /** A start: the zone list and the stored zone loaded, the secondaries' settings read, the first refresh. */
        LOAD
    }

    enum Fault {
        /** The database is locked past the busy timeout. */
        BUSY,
        /** A bug: an exception nobody planned for. */
        BUG;

        RuntimeException make(String call) {
            return this == BUSY
                    ? new StoreException("injected fault in " + call, new java.sql.SQLException(
                            "[SQLITE_BUSY] The database file is locked (database is locked)"))
                    : new IllegalStateException("injected fault in " + call + ": nobody planned for this");
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (Step step : Step.values()) {
            for (Fault fault : Fault.values()) {
                cases.add(Arguments.of(step, fault));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}, {1}")
    @MethodSource("cases")
    void everyFailingStoreCallEndsInARetryAndAReportedOutcome(Step step, Fault fault) throws Exception {
        List<String> calls = null;
        for (int failAt = 1; failAt < 100; failAt++) {
            try (Run run = new Run(dir.resolve(step + "-" + fault + "-" + failAt), fault)) {
                List<String> made = run.exercise(step, failAt);
                if (made != null) {
                    calls = made;
                    break;
                }
            }
        }
        assertThat(calls).as("a run without failure came").isNotNull().isNotEmpty();
    }

    /** One daemon's secondary side over a fresh database, with its stores behind one fault injector. */
    private static final class Run implements AutoCloseable {
        private final FakeClock clock = new FakeClock(Instant.parse("2026-06-01T00:00:00Z"));
        private final ListAppender<ILoggingEvent> log = new ListAppender<>();
        private final Logger tern = (Logger) LoggerFactory.getLogger("dev.tern");
        private final FaultInjector injector;
        private final ScriptedPrimary primary;
        private final JdbcZoneStore raw;
        private final long domainId;
        private final Zones zones = new Zones();
        private final TernMetrics metrics = TernMetrics.inMemory();
        private final XfrClient client = new XfrClient();
        private final ZoneLoader loader;
        private final Secondaries secondaries;
        private final ZoneEvents events;
        private final CommandRegistry registry = new CommandRegistry();

        Run(Path dir, Fault fault) throws Exception {
            injector = new FaultInjector(fault::make);
            log.start();
            tern.addAppender(log);
            primary = ScriptedPrimary.start("faults.test.", zone(1));
            raw = JdbcZoneStore.openSqlite(dir.resolve("tern.sqlite3"), 200, 3600);
            domainId = raw.createZone(ZONE, ZoneKind.SECONDARY, "127.0.0.1:" + primary.port()).id();
            ZoneStore store = injector.wrap(ZoneStore.class, raw);
            ZoneStateStore state = injector.wrap(ZoneStateStore.class, new SecondaryStore(raw.dataSource()));
            ZoneJournal journal = injector.wrap(ZoneJournal.class, new Journal(raw.dataSource()));
            ZonePublisher publisher = new ZonePublisher(journal, 100, 10_240 * 1024L, clock);
            loader = new ZoneLoader(store, zones, publisher);
            XfrSettings settings = new XfrSettings(1220, true, Duration.ofSeconds(2), Duration.ofSeconds(2),
                    Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(20), 0, List.of());
            Refresh refresh = new Refresh(client, new SoaQuery(),
                    new StoreZoneWriter(store, journal, zones, clock, publisher), new StoredMssMemory(state, clock),
                    settings);
            SoaTimers timers = new SoaTimers(Duration.ofSeconds(1), Duration.ofDays(1), Duration.ofSeconds(1),
                    Duration.ofHours(1));
            secondaries = new Secondaries(store, state, zones, refresh, timers, clock, new Random(7), List.of(),
                    metrics, null);
            events = new ZoneEvents(clock, Runnable::run, secondaries, () -> { });
            secondaries.attach(events);
            new ZoneCommands(zones, secondaries, name -> stored() < 0 ? null : stored()).register(registry);
        }

        /**
         * Brings the zone to the state before {@code step}, runs the step with store call {@code failAt} failing,
         * checks what was reported, then recovers on virtual time; returns the calls of the step when none was left
         * to fail (the run without failure), else null.
         */
        List<String> exercise(Step step, int failAt) throws Exception {
            long target = step == Step.FIRST_AXFR || step == Step.SOA_CHECK ? 1 : 2;
            CompletableFuture<RefreshOutcome> waiting = null;
            if (step == Step.LOAD) {
                raw.replaceRecords(row(), TestZones.records("faults.test.", zone(1)));
                primary.setZone("faults.test.", zone(2));
                primary.behave(Behaviour.IXFR);
                injector.arm(failAt);
                poll();
                if (events.nextDue().isPresent()) {
                    runNext();
                }
            } else {
                loader.sync();
                secondaries.reconcile();
                events.forget(ZONE);
                if (step != Step.FIRST_AXFR) {
                    assertThat(retrieve()).startsWith("result: transferred");
                    if (step != Step.SOA_CHECK) {
                        primary.setZone("faults.test.", zone(2));
                        primary.behave(step == Step.IXFR ? Behaviour.IXFR : Behaviour.AXFR);
                    }
                }
                injector.arm(failAt);
                waiting = secondaries.requestRefresh(ZONE, null);
                assertThat(events.dispatchDue()).isEqualTo(1);
            }
            injector.disarm();
            String failed = injector.failed();
            String what = step + " with call " + failAt + " (" + failed + ") failing";
            if (waiting != null) {
                assertThat(waiting).as(what + ": the waiting retrieve has its answer at once").isDone();
            }
            SecondaryStatus before = secondaries.status(ZONE);
            RefreshOutcome outcome = before == null ? null : before.lastOutcome();
            if (failed == null) {
                assertThat(outcome).as(what).isNotInstanceOf(RefreshOutcome.Failed.class);
                assertThat(servedSerial()).isEqualTo(target);
                assertThat(storedSerial()).isEqualTo(target);
                return injector.calls();
            }
            if (outcome instanceof RefreshOutcome.Failed) {
                assertThat(outcome.describe()).as(what).startsWith("refresh failed: ").contains("injected fault in "
                        + failed).doesNotContain("Exception");
                if (waiting != null) {
                    assertThat(waiting.join()).as(what).isSameAs(outcome);
                }
                // "Old zone kept" must hold for what is stored too: a failed refresh commits nothing.
                assertThat(stored()).as(what + ": stored as served").isEqualTo(served());
                assertThat(metrics.registry().find("tern.refresh").tag("result", "failed").counter())
                        .as(what + ": counted").isNotNull()
                        .satisfies(counter -> assertThat(counter.count()).isEqualTo(1.0));
                String status = zoneStatus();
                assertThat(status).as(what).contains("failures in a row: 1")
                        .contains("last error: refresh failed: ").contains("injected fault in " + failed);
                long retry = zones.table().get(ZONE).snapshot() == null ? RETRY_WITHOUT_SOA : RETRY;
                Instant now = clock.instant();
                assertThat(events.planned(ZONE, EventType.REFRESH)).as(what + ": the retry is planned")
                        .hasValueSatisfying(at -> assertThat(at).isBetween(now.plusSeconds(retry * 3 / 4),
                                now.plusSeconds(retry)));
            } else {
                // The event survived the failure (a degraded path): the log says what failed.
                assertThat(log.list).as(what + ": logged").anyMatch(event -> event.getLevel().isGreaterOrEqual(
                        Level.WARN) && event.getFormattedMessage().contains("injected fault in " + failed));
                if (step != Step.LOAD) {
                    assertThat(events.planned(ZONE, EventType.REFRESH)).as(what + ": a refresh is planned")
                            .isPresent();
                }
            }
            for (int i = 0; i < 6 && !(served() == target && storedSerial() == target); i++) {
                if (step == Step.LOAD) {
                    // The zone list is read again at every poll (sql-poll-interval), which is what reloads it.
                    poll();
                }
                runNext();
            }
            assertThat(served()).as(what + ": recovered, served").isEqualTo(target);
            assertThat(storedSerial()).as(what + ": recovered, stored").isEqualTo(target);
            assertThat(zoneStatus()).as(what).contains("served serial: " + target + "\n")
                    .contains("stored serial: " + target + "\n").contains("failures in a row: 0");
            assertThat(duplicateRows()).as(what + ": rows written twice").isZero();
            return null;
        }

        private DomainRow row() {
            return new DomainRow(domainId, ZONE, ZoneKind.SECONDARY, null, null);
        }

        /** A {@code retrieve-wait}: plans the refresh, runs it on this thread, answers its outcome. */
        private String retrieve() {
            CompletableFuture<RefreshOutcome> outcome = secondaries.requestRefresh(ZONE, null);
            events.dispatchDue();
            return ZoneCommands.describe(outcome.join());
        }

        /**
         * The daemon's poll of the database (and its start): reloads what changed, reads the secondaries' settings.
         * Both ride out a failing database themselves; a bug is caught and logged as Server.syncQuietly does.
         */
        private void poll() {
            try {
                loader.sync();
                secondaries.reconcile();
            } catch (StoreException e) {
                throw new AssertionError("a database failure escaped the poll", e);
            } catch (RuntimeException e) {
                LoggerFactory.getLogger("dev.tern.server.Server").error("checking the database for changes failed,"
                        + " will try again at the next poll: {}", e.getMessage());
            }
        }

        private String zoneStatus() {
            return registry.execute(ControlRequest.parse("zone-status faults.test"));
        }

        private void runNext() {
            Duration wait = events.nextDue().orElseThrow();
            clock.advance(wait);
            assertThat(events.dispatchDue()).isEqualTo(1);
        }

        private long served() {
            return zones.table().get(ZONE) == null || zones.table().get(ZONE).snapshot() == null ? -1 : servedSerial();
        }

        /** The apex serial in SQL, or -1 when there is none. */
        private long stored() {
            return raw.domains().stream().filter(row -> row.name().equals(ZONE) && row.soaContent() != null)
                    .findFirst().map(row -> Long.parseLong(row.soaContent().trim().split("\\s+")[2])).orElse(-1L);
        }

        private long servedSerial() {
            return zones.table().get(ZONE).snapshot().serial();
        }

        private long storedSerial() {
            return raw.load(row()).serial();
        }

        private int duplicateRows() throws Exception {
            try (Connection connection = raw.dataSource().getConnection();
                 PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM (SELECT 1 FROM"
                         + " records WHERE domain_id = ? GROUP BY name, type, content HAVING count(*) > 1)")) {
                statement.setLong(1, domainId);
                try (ResultSet result = statement.executeQuery()) {
                    result.next();
                    return result.getInt(1);
                }
            }
        }

        @Override
        public void close() throws Exception {
            tern.detachAppender(log);
            client.close();
            primary.close();
            raw.close();
        }
    }
}
