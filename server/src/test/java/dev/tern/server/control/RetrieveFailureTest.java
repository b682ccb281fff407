package dev.tern.server.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import dev.tern.control.cli.ExitCodes;
import dev.tern.server.events.EventTimer;
import dev.tern.server.events.EventType;
import dev.tern.server.events.Secondaries;
import dev.tern.server.events.StoreZoneWriter;
import dev.tern.server.events.StoredMssMemory;
import dev.tern.server.events.ZoneEvents;
import dev.tern.server.events.ZoneLoader;
import dev.tern.server.events.ZonePublisher;
import dev.tern.server.secondary.MssMemory;
import dev.tern.server.secondary.Primary;
import dev.tern.server.secondary.Refresh;
import dev.tern.server.secondary.RefreshOutcome;
import dev.tern.server.secondary.SoaTimers;
import dev.tern.server.secondary.XfrSettings;
import dev.tern.server.secondary.ZoneWriter;
import dev.tern.server.store.JdbcZoneStore;
import dev.tern.server.store.Journal;
import dev.tern.server.store.SecondaryStore;
import dev.tern.server.testing.ScriptedPrimary;
import dev.tern.server.testing.TernCtlRun;
import dev.tern.server.xfr.SoaQuery;
import dev.tern.server.xfr.XfrClient;
import dev.tern.server.zone.ZoneChange;
import dev.tern.server.zone.ZoneKind;
import dev.tern.server.zone.ZoneSnapshot;
import dev.tern.server.zone.Zones;

/**
 * A refresh that fails in a way nobody planned for (a bug: a RuntimeException while the transfer is applied, or
 * before the transfer starts) still ends in an outcome: a waiting {@code ternctl retrieve} hears it at once with the
 * reason in words (exit 1, never "no outcome" after its timeout), and the zone's next try is planned at the SOA retry
 * interval. The fault is injected with a writer or an MSS memory that throws, behind a real primary, a real
 * database, the real event queue and the real control socket.
 */
class RetrieveFailureTest {
    private static final Name ZONE = Name.fromConstantString("odd.test.");
    /** SOA retry of the zone: 20 s. */
    private static final long RETRY = 20;

    @TempDir
    Path dir;

    static String zone(long serial) {
        return "$ORIGIN odd.test.\n$TTL 300\n@ SOA ns1 hostmaster " + serial + " 3600 " + RETRY + " 86400 60\n"
                + "@ NS ns1\nns1 A 127.0.0.1\nwww A 127.0.0." + serial + "\n";
    }

    @ParameterizedTest(name = "fault in {0}")
    @ValueSource(strings = {"apply", "refresh"})
    void aRefreshThatFailsUnexpectedlyIsReportedAtOnceAndRetried(String where) throws Exception {
        AtomicBoolean faulty = new AtomicBoolean();
        Clock clock = Clock.systemUTC();
        ExecutorService worker = Executors.newSingleThreadExecutor();
        try (ScriptedPrimary primary = ScriptedPrimary.start("odd.test.", zone(1));
             JdbcZoneStore store = JdbcZoneStore.openSqlite(dir.resolve("tern.sqlite3"), 2000, 3600);
             XfrClient client = new XfrClient();
             EventTimer timer = new EventTimer()) {
            store.createZone(ZONE, ZoneKind.SECONDARY, "127.0.0.1:" + primary.port());
            SecondaryStore state = new SecondaryStore(store.dataSource());
            Zones zones = new Zones();
            ZonePublisher publisher = new ZonePublisher(new Journal(store.dataSource()), 100, 10_240 * 1024L, clock);
            new ZoneLoader(store, zones, publisher).sync();
            ZoneWriter stored = new StoreZoneWriter(store, new Journal(store.dataSource()), zones, clock, publisher);
            ZoneWriter writer = new ZoneWriter() {
                @Override
                public ZoneSnapshot replace(Name zone, List<Record> records, RefreshOutcome.Transferred outcome) {
                    if (faulty.get() && where.equals("apply")) {
                        throw new IllegalArgumentException("record does not match rrset");
                    }
                    return stored.replace(zone, records, outcome);
                }

                @Override
                public ZoneSnapshot apply(Name zone, ZoneSnapshot base, List<ZoneChange> deltas,
                                          RefreshOutcome.Transferred outcome) {
                    if (faulty.get() && where.equals("apply")) {
                        throw new IllegalArgumentException("record does not match rrset");
                    }
                    return stored.apply(zone, base, deltas, outcome);
                }
            };
            MssMemory learned = new StoredMssMemory(state, clock);
            MssMemory mss = new MssMemory() {
                @Override
                public int remembered(Primary primary) {
                    if (faulty.get() && where.equals("refresh")) {
                        throw new IllegalStateException("the remembered mss vanished");
                    }
                    return learned.remembered(primary);
                }

                @Override
                public void remember(Primary primary, int value) {
                    learned.remember(primary, value);
                }
            };
            XfrSettings settings = new XfrSettings(1220, true, Duration.ofSeconds(2), Duration.ofSeconds(2),
                    Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(20), 0, List.of());
            Refresh refresh = new Refresh(client, new SoaQuery(), writer, mss, settings);
            SoaTimers timers = new SoaTimers(Duration.ofSeconds(1), Duration.ofDays(1), Duration.ofSeconds(1),
                    Duration.ofHours(1));
            Secondaries secondaries = new Secondaries(store, state, zones, refresh, timers, clock, new Random(7));
            ZoneEvents events = new ZoneEvents(clock, worker, secondaries, timer::wake);
            secondaries.attach(events);
            secondaries.reconcile();
            // Only the operator's retrieves run in this test, not the first check after start.
            events.forget(ZONE);
            timer.start(events);
            CommandRegistry registry = new CommandRegistry();
            new ZoneCommands(zones, secondaries, name -> null).register(registry);
            try (ControlServer control = ControlServer.start(dir.resolve("odd.controlsocket"), null, registry)) {
                TernCtlRun first = TernCtlRun.of(control.path(), "retrieve", "--timeout", "30", "odd.test");
                assertThat(first.code()).as(first.err()).isEqualTo(ExitCodes.OK);
                assertThat(zones.table().get(ZONE).snapshot().serial()).isEqualTo(1);

                primary.setZone("odd.test.", zone(2));
                faulty.set(true);
                Instant asked = Instant.now();
                long started = System.nanoTime();
                TernCtlRun failed = TernCtlRun.of(control.path(), "retrieve", "--timeout", "30", "odd.test");
                Duration took = Duration.ofNanos(System.nanoTime() - started);

                assertThat(failed.code()).as(failed.out() + failed.err()).isEqualTo(ExitCodes.FAILED);
                assertThat(took).as("reported at once, not after the timeout").isLessThan(Duration.ofSeconds(15));
                assertThat(failed.err()).startsWith("refresh failed: ")
                        .contains(where.equals("apply") ? "record does not match rrset" : "the remembered mss vanished")
                        .doesNotContain("Exception").doesNotContain("java.");
                if (where.equals("apply")) {
                    assertThat(failed.err()).contains("from 127.0.0.1:" + primary.port() + ": applying the"
                            + " transferred zone failed unexpectedly, old zone kept");
                }
                assertThat(zones.table().get(ZONE).snapshot().serial()).as("the old zone is served").isEqualTo(1);

                // The next try comes at the SOA retry interval (jitter takes up to a quarter off).
                Instant next = events.planned(ZONE, EventType.REFRESH).orElseThrow();
                assertThat(next).isBetween(asked.plusSeconds(RETRY * 3 / 4 - 1), Instant.now().plusSeconds(RETRY));
                assertThat(TernCtlRun.of(control.path(), "zone-status", "odd.test").out())
                        .contains("failures in a row: 1").contains("last error: refresh failed: ");

                // And once the fault is gone, the zone refreshes as usual.
                faulty.set(false);
                TernCtlRun recovered = TernCtlRun.of(control.path(), "retrieve", "--timeout", "30", "odd.test");
                assertThat(recovered.code()).as(recovered.err()).isEqualTo(ExitCodes.OK);
                assertThat(zones.table().get(ZONE).snapshot().serial()).isEqualTo(2);
            }
        } finally {
            worker.shutdownNow();
            assertThat(worker.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }
}
