package dev.tern.server.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.Name;
import dev.tern.server.secondary.Primary;
import dev.tern.server.secondary.Refresh;
import dev.tern.server.secondary.RefreshOutcome;
import dev.tern.server.secondary.SoaTimers;
import dev.tern.server.secondary.XfrSettings;
import dev.tern.server.store.DomainRow;
import dev.tern.server.store.JdbcZoneStore;
import dev.tern.server.store.Journal;
import dev.tern.server.store.SecondaryStore;
import dev.tern.server.testing.FakeClock;
import dev.tern.server.testing.TestZones;
import dev.tern.server.xfr.SoaQuery;
import dev.tern.server.xfr.TransferStats;
import dev.tern.server.xfr.XfrClient;
import dev.tern.server.zone.ZoneChange;
import dev.tern.server.zone.ZoneKind;
import dev.tern.server.zone.ZoneSnapshot;
import dev.tern.server.zone.Zones;

/**
 * A transfer's records, journal entry and zone state commit in one transaction: a failure after the records are
 * written and before the journal entry or the state are (injected with SQLite triggers, or a state writer that
 * throws) leaves every table of the zone exactly as it was, for AXFR (replace) and IXFR (apply) alike.
 */
class TransferCommitTest {
    private static final Name ZONE = Name.fromConstantString("commit.test.");
    private static final Primary PRIMARY = Primary.parse("127.0.0.1:53");

    @org.junit.jupiter.api.io.TempDir
    Path dir;

    private final FakeClock clock = new FakeClock(Instant.parse("2026-06-01T00:00:00Z"));
    private JdbcZoneStore store;
    private Zones zones;
    private StoreZoneWriter writer;
    private XfrClient client;
    private long domainId;
    private volatile boolean stateWriterFails;

    static String zone(long serial) {
        StringBuilder text = new StringBuilder("$ORIGIN commit.test.\n$TTL 300\n@ SOA ns1 hostmaster " + serial
                + " 100 20 300 60\n@ NS ns1\nns1 A 127.0.0.1\n");
        // Each version changes some names and adds some, so the rows, the journal and the count all differ.
        for (int i = 0; i < 50 + serial * 5; i++) {
            text.append("h").append(i).append(" A 10.0.").append(i % 7 == 0 ? serial : 0).append('.')
                    .append(i % 250).append('\n');
        }
        return text.toString();
    }

    @BeforeEach
    void setUp() throws Exception {
        store = JdbcZoneStore.openSqlite(dir.resolve("tern.sqlite3"), 2000, 3600);
        DomainRow row = store.createZone(ZONE, ZoneKind.SECONDARY, "127.0.0.1:53");
        domainId = row.id();
        store.replaceRecords(row, TestZones.records("commit.test.", zone(1)));
        zones = new Zones();
        ZonePublisher publisher = new ZonePublisher(new Journal(store.dataSource()), 100, 10_240 * 1024L, clock);
        new ZoneLoader(store, zones, publisher).sync();
        SecondaryStore stateStore = new SecondaryStore(store.dataSource());
        writer = new StoreZoneWriter(store, new Journal(store.dataSource()), zones, clock, publisher);
        client = new XfrClient();
        Refresh refresh = new Refresh(client, new SoaQuery(), writer,
                new StoredMssMemory(stateStore, clock), new XfrSettings(1220, true, Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(20), 0,
                List.of()));
        Secondaries secondaries = new Secondaries(store, stateStore, zones, refresh, new SoaTimers(
                Duration.ofSeconds(1), Duration.ofDays(1), Duration.ofSeconds(1), Duration.ofHours(1)), clock,
                new Random(7));
        secondaries.attach(new ZoneEvents(clock, Runnable::run, secondaries, () -> { }));
        secondaries.reconcile();
        writer.recordStateWith((transaction, name, soa, outcome) -> {
            secondaries.writeState(transaction, name, soa, outcome);
            if (stateWriterFails) {
                throw new IllegalStateException("injected: the state writer failed after writing");
            }
        });
        // Serial 2 arrives whole: from now on the zone has a journal entry (1 -> 2) and a saved state.
        clock.advance(Duration.ofSeconds(10));
        writer.replace(ZONE, TestZones.records("commit.test.", zone(2)), transferred("AXFR", 1, 2));
        assertThat(served()).isEqualTo(2);
        assertThat(new Journal(store.dataSource()).count(domainId)).isEqualTo(1);
    }

    @AfterEach
    void tearDown() throws Exception {
        client.close();
        store.close();
    }

    @ParameterizedTest(name = "{0}, failing at {1}")
    @CsvSource({"AXFR, journal", "AXFR, state", "AXFR, state writer", "IXFR, journal", "IXFR, state",
            "IXFR, state writer"})
    void aFailureAfterTheRecordsLeavesRecordsJournalAndStateAsTheyWere(String type, String failure)
            throws Exception {
        List<String> before = dump();
        inject(failure, true);
        clock.advance(Duration.ofSeconds(10));
        assertThatThrownBy(() -> write(type, 3)).isInstanceOf(RuntimeException.class);

        assertThat(dump()).containsExactlyElementsOf(before);
        assertThat(served()).isEqualTo(2);
        assertThat(store.load(new DomainRow(domainId, ZONE, ZoneKind.SECONDARY, null, null)).serial()).isEqualTo(2);

        // The same write without the fault commits all three: the dump above would have seen any of them.
        inject(failure, false);
        write(type, 3);
        List<String> after = dump();
        assertThat(served()).isEqualTo(3);
        assertThat(after).anyMatch(line -> line.startsWith("tern_journal") && line.contains("|2|3|"));
        assertThat(after).anyMatch(line -> line.startsWith("tern_zone_state") && line.contains(" -> 3, "));
        assertThat(after).filteredOn(line -> line.startsWith("records")).isNotEqualTo(
                before.stream().filter(line -> line.startsWith("records")).toList());
    }

    private void write(String type, long serial) {
        if (type.equals("AXFR")) {
            writer.replace(ZONE, TestZones.records("commit.test.", zone(serial)),
                    transferred("IXFR(AXFR-style)", serial - 1, serial));
        } else {
            ZoneSnapshot base = zones.table().get(ZONE).snapshot();
            ZoneChange change = ZoneChange.between(base, TestZones.snapshot("commit.test.", zone(serial)));
            writer.apply(ZONE, base, List.of(change), transferred("IXFR", serial - 1, serial));
        }
    }

    private RefreshOutcome.Transferred transferred(String type, long from, long to) {
        return new RefreshOutcome.Transferred(PRIMARY, type, from, to, new TransferStats(1, 1000,
                Duration.ofMillis(10), 0, ""), false, -1);
    }

    private long served() {
        return zones.table().get(ZONE).snapshot().serial();
    }

    /** Makes inserts into the journal or the state table fail (a full disk, a bug), or stops doing so. */
    private void inject(String failure, boolean on) throws Exception {
        if (failure.equals("state writer")) {
            stateWriterFails = on;
            return;
        }
        String table = failure.equals("journal") ? "tern_journal" : "tern_zone_state";
        try (Connection connection = store.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute(on ? "CREATE TRIGGER injected BEFORE INSERT ON " + table
                    + " BEGIN SELECT RAISE(ABORT, 'injected: no room for the " + failure + "'); END"
                    : "DROP TRIGGER injected");
        }
    }

    /** Every row of the zone in the tables a transfer writes, one line each, in a stable order. */
    private List<String> dump() throws Exception {
        List<String> lines = new ArrayList<>();
        try (Connection connection = store.dataSource().getConnection()) {
            for (String query : List.of(
                    "SELECT name, type, content, ttl, prio, ordername, auth, disabled FROM records"
                            + " WHERE domain_id = " + domainId + " ORDER BY name, type, content",
                    "SELECT kind, content FROM domainmetadata WHERE domain_id = " + domainId
                            + " ORDER BY kind, content",
                    "SELECT id, serial_from, serial_to, removed, added, applied_at FROM tern_journal"
                            + " WHERE domain_id = " + domainId + " ORDER BY id",
                    "SELECT last_success, expire_at, next_refresh, failures, last_primary, last_result"
                            + " FROM tern_zone_state WHERE domain_id = " + domainId,
                    "SELECT last_check, notified_serial FROM domains WHERE id = " + domainId)) {
                String table = query.replaceAll(".* FROM (\\w+).*", "$1");
                try (Statement statement = connection.createStatement();
                     ResultSet rows = statement.executeQuery(query)) {
                    ResultSetMetaData meta = rows.getMetaData();
                    while (rows.next()) {
                        StringBuilder line = new StringBuilder(table).append('|');
                        for (int i = 1; i <= meta.getColumnCount(); i++) {
                            line.append(rows.getString(i)).append('|');
                        }
                        lines.add(line.toString());
                    }
                }
            }
        }
        return lines;
    }
}
