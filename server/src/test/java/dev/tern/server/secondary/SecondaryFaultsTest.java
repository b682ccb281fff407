package dev.tern.server.secondary;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;
import dev.tern.server.answer.AnswerEngine;
import dev.tern.server.events.EventType;
import dev.tern.server.events.Secondaries;
import dev.tern.server.events.StoreZoneWriter;
import dev.tern.server.events.ZonePublisher;
import dev.tern.server.events.StoredMssMemory;
import dev.tern.server.events.ZoneEvents;
import dev.tern.server.events.ZoneLoader;
import dev.tern.server.store.DomainRow;
import dev.tern.server.store.JdbcZoneStore;
import dev.tern.server.store.Journal;
import dev.tern.server.store.SecondaryStore;
import dev.tern.server.testing.FakeClock;
import dev.tern.server.testing.ScriptedPrimary;
import dev.tern.server.testing.ScriptedPrimary.Behaviour;
import dev.tern.server.xfr.SoaQuery;
import dev.tern.server.xfr.XfrClient;
import dev.tern.server.zone.ZoneKind;
import dev.tern.server.zone.Zones;

/**
 * A secondary zone against primaries that fail in every known way, on virtual time: after each failure the old
 * zone is still served and stored, the log names the cause, retries back off, SOA expire turns the zone into
 * SERVFAIL and a primary that answers again brings it back; timers survive a restart.
 */
class SecondaryFaultsTest {
    private static final Name ZONE = Name.fromConstantString("fault.test.");

    @TempDir
    Path dir;

    private final FakeClock clock = new FakeClock(Instant.parse("2026-06-01T00:00:00Z"));
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private JdbcZoneStore store;
    private SecondaryStore stateStore;
    private Zones zones;
    private ZoneLoader loader;
    private ZonePublisher publisher;
    private XfrClient client;
    private ScriptedPrimary primary;
    private long domainId;

    static String zone(long serial) {
        return "$ORIGIN fault.test.\n$TTL 300\n@ SOA ns1 hostmaster " + serial + " 100 20 300 60\n@ NS ns1\n"
                + "ns1 A 127.0.0.1\nwww A 127.0.0." + (serial % 250) + "\n";
    }

    @BeforeEach
    void setUp() throws Exception {
        ((Logger) LoggerFactory.getLogger(Secondaries.class)).addAppender(log);
        log.start();
        primary = ScriptedPrimary.start("fault.test.", zone(1));
        store = JdbcZoneStore.openSqlite(dir.resolve("tern.sqlite3"), 2000, 3600);
        domainId = store.createZone(ZONE, ZoneKind.SECONDARY, "127.0.0.1:" + primary.port()).id();
        stateStore = new SecondaryStore(store.dataSource());
        zones = new Zones();
        publisher = new ZonePublisher(new Journal(store.dataSource()), 100, 10_240 * 1024L, clock);
        loader = new ZoneLoader(store, zones, publisher);
        loader.sync();
        client = new XfrClient();
    }

    @AfterEach
    void tearDown() throws Exception {
        ((Logger) LoggerFactory.getLogger(Secondaries.class)).detachAppender(log);
        client.close();
        primary.close();
        store.close();
    }

    private ZoneEvents secondary() {
        XfrSettings settings = new XfrSettings(1220, true, Duration.ofSeconds(1), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Duration.ofMillis(700), Duration.ofSeconds(20), 0, List.of());
        StoreZoneWriter writer = new StoreZoneWriter(store, new Journal(store.dataSource()), zones, clock, publisher);
        Refresh refresh = new Refresh(client, new SoaQuery(), writer, new StoredMssMemory(stateStore, clock),
                settings);
        SoaTimers timers = new SoaTimers(Duration.ofSeconds(1), Duration.ofDays(1), Duration.ofSeconds(1),
                Duration.ofHours(1));
        Secondaries secondaries = new Secondaries(store, stateStore, zones, refresh, timers, clock, new Random(7));
        writer.recordStateWith(secondaries::writeState);
        ZoneEvents events = new ZoneEvents(clock, Runnable::run, secondaries, () -> { });
        secondaries.attach(events);
        secondaries.reconcile();
        return events;
    }

    /** Moves virtual time to the next planned event and runs it. */
    private void runNext(ZoneEvents events) {
        Duration wait = events.nextDue().orElseThrow();
        clock.advance(wait);
        assertThat(events.dispatchDue()).isEqualTo(1);
    }

    private long servedSerial() {
        return zones.table().get(ZONE).snapshot().serial();
    }

    private long storedSerial() {
        return store.load(new DomainRow(domainId, ZONE, ZoneKind.SECONDARY, null, null)).serial();
    }

    private String lastLine() {
        return log.list.get(log.list.size() - 1).getFormattedMessage();
    }

    private int answer(String qname) {
        return new AnswerEngine().answer(zones.table(), Name.fromConstantString(qname), Type.A, false).rcode();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "CLOSE_HALF_WAY, 'the primary closed the connection after'",
            "SILENT, 'connected, but no answer within 1.0 s'",
            "REFUSED, 'the primary answered REFUSED'",
            "NOTAUTH, 'the primary answered NOTAUTH'",
            "GARBAGE, 'an answer that is not ours'",
            "STALL, 'stalled after 3002 bytes; suspected path-MTU blackhole, smallest mss tried 536'"})
    void aFailedTransferLeavesTheOldZoneServedAndStored(Behaviour behaviour, String cause) throws Exception {
        ZoneEvents events = secondary();
        runNext(events);
        assertThat(servedSerial()).isEqualTo(1);

        primary.setZone("fault.test.", zone(2));
        primary.behave(behaviour);
        runNext(events);
        // We hold a serial, so IXFR comes first; REFUSED and garbage fall back to AXFR, which fails the same way.
        assertThat(lastLine()).startsWith("[fault.test.] refresh failed: IXFR from 127.0.0.1:" + primary.port())
                .contains(cause).contains("next try in");
        assertThat(servedSerial()).isEqualTo(1);
        assertThat(storedSerial()).isEqualTo(1);
        assertThat(answer("www.fault.test.")).isEqualTo(Rcode.NOERROR);

        primary.behave(Behaviour.AXFR);
        runNext(events);
        assertThat(lastLine()).contains("serial 1 -> 2");
        assertThat(servedSerial()).isEqualTo(2);
    }

    /** A signed version of {@link #zone}: dnssec-signzone, NSEC, a few names so the chain has links to break. */
    private String signedZone(long serial) throws Exception {
        return java.nio.file.Files.readString(dev.tern.server.testing.SignedZone.sign(dir.resolve("signing"),
                "fault.test", zone(serial) + "a TXT \"a\"\nb TXT \"b\"\nc TXT \"c\"\n",
                dev.tern.server.testing.SignedZone.Denial.NSEC));
    }

    @Test
    void aSignedZoneWithABrokenChainOrATruncatedTransferLeavesTheOldZone() throws Exception {
        ZoneEvents events = secondary();
        primary.setZone("fault.test.", signedZone(1));
        runNext(events);
        assertThat(servedSerial()).isEqualTo(1);

        // Version 2 arrives without the NSEC of b: proofs for names near it would not validate.
        String broken = String.join("\n", signedZone(2).lines()
                .filter(line -> !(line.startsWith("b.fault.test.") && line.contains("IN NSEC\t"))).toList());
        primary.setZone("fault.test.", broken);
        runNext(events);
        assertThat(lastLine()).startsWith("[fault.test.] refresh failed:")
                .contains("the NSEC chain is broken at a.fault.test.: its next name is b.fault.test.,"
                        + " but the next name with an NSEC is c.fault.test.");
        assertThat(servedSerial()).isEqualTo(1);
        assertThat(storedSerial()).isEqualTo(1);

        // A whole version 2, cut off half way.
        primary.setZone("fault.test.", signedZone(2));
        primary.behave(Behaviour.CLOSE_HALF_WAY);
        runNext(events);
        assertThat(lastLine()).contains("the primary closed the connection after");
        assertThat(servedSerial()).isEqualTo(1);
        assertThat(storedSerial()).isEqualTo(1);
        assertThat(new AnswerEngine().answer(zones.table(), Name.fromConstantString("www.fault.test."), Type.A,
                false, true).answer().get(0).sigs()).isNotEmpty();

        primary.behave(Behaviour.AXFR);
        runNext(events);
        assertThat(servedSerial()).isEqualTo(2);
    }

    @Test
    void retriesBackOffAndTheZoneExpiresThenRecovers() throws Exception {
        ZoneEvents events = secondary();
        runNext(events);
        Instant lastSuccess = clock.instant();
        primary.close();
        List<Duration> waits = new java.util.ArrayList<>();
        for (int i = 0; i < 12 && !zones.table().get(ZONE).isExpired(); i++) {
            Instant before = clock.instant();
            runNext(events);
            waits.add(Duration.between(before, clock.instant()));
        }
        assertThat(zones.table().get(ZONE).isExpired()).isTrue();
        assertThat(Duration.between(lastSuccess, clock.instant())).isEqualTo(Duration.ofSeconds(300));
        assertThat(answer("www.fault.test.")).isEqualTo(Rcode.SERVFAIL);
        assertThat(log.list).anyMatch(e -> e.getFormattedMessage().startsWith("[fault.test.] expired: no successful"
                + " refresh since"));
        // SOA retry 20 s, doubled after each failure (jitter takes up to a quarter off).
        assertThat(waits.get(1)).isBetween(Duration.ofSeconds(15), Duration.ofSeconds(20));
        assertThat(waits.get(2)).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(40));

        primary = ScriptedPrimary.start("fault.test.", zone(1));
        setMaster("127.0.0.1:" + primary.port());
        ZoneEvents restarted = secondary();
        runNext(restarted);
        runNext(restarted);
        assertThat(zones.table().get(ZONE).isExpired()).isFalse();
        assertThat(answer("www.fault.test.")).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void anIxfrThatDoesNotFitOurDataFallsBackToAxfr() throws Exception {
        ZoneEvents events = secondary();
        runNext(events);
        primary.setZone("fault.test.", zone(2));
        primary.behave(Behaviour.BAD_IXFR);
        runNext(events);
        assertThat(lastLine()).contains("AXFR-in from 127.0.0.1:" + primary.port()).contains("serial 1 -> 2");
        assertThat(storedSerial()).isEqualTo(2);
    }

    @Test
    void aDatabaseLockedPastTheBusyTimeoutLeavesTheOldZone() throws Exception {
        ZoneEvents events = secondary();
        runNext(events);
        primary.setZone("fault.test.", zone(2));
        try (java.sql.Connection blocker = java.sql.DriverManager.getConnection("jdbc:sqlite:"
                + dir.resolve("tern.sqlite3"));
             Statement statement = blocker.createStatement()) {
            statement.execute("BEGIN IMMEDIATE");
            runNext(events);
            statement.execute("ROLLBACK");
        }
        assertThat(log.list).anyMatch(e -> e.getFormattedMessage().contains("cannot write the transferred zone, old"
                + " zone kept") && e.getFormattedMessage().toLowerCase(java.util.Locale.ROOT).contains("locked"));
        // The timers could not be saved either (same lock); the retry is planned all the same.
        assertThat(lastLine()).startsWith("[fault.test.] the refresh timers are not saved");
        assertThat(events.planned(ZONE, EventType.REFRESH)).isPresent();
        assertThat(servedSerial()).isEqualTo(1);
        assertThat(storedSerial()).isEqualTo(1);
    }

    @Test
    void aDeadFirstPrimaryDoesNotBlockTheZone() throws Exception {
        int dead;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            dead = socket.getLocalPort();
        }
        setMaster("127.0.0.1:" + dead + ", 127.0.0.1:" + primary.port());
        ZoneEvents events = secondary();
        runNext(events);
        assertThat(servedSerial()).isEqualTo(1);
        assertThat(lastLine()).contains("AXFR-in from 127.0.0.1:" + primary.port());
    }

    @Test
    void aWrongKeyIsNamedAsTheCause() throws Exception {
        try (Connection connection = store.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("INSERT INTO tsigkeys (name, algorithm, secret) VALUES ('k', 'hmac-sha256', 'c2VjcmV0')");
            statement.execute("INSERT INTO domainmetadata (domain_id, kind, content) VALUES (" + domainId
                    + ", 'AXFR-MASTER-TSIG', 'k')");
        }
        ZoneEvents events = secondary();
        runNext(events);
        assertThat(lastLine()).contains("SOA from 127.0.0.1:" + primary.port() + ": the SOA answer is not signed");
        assertThat(zones.table().get(ZONE).snapshot()).isNull();
    }

    @Test
    void aRestartKeepsTheTimersInsteadOfCheckingAtOnce() throws Exception {
        ZoneEvents events = secondary();
        runNext(events);
        Instant planned = events.planned(ZONE, EventType.REFRESH).orElseThrow();
        Instant expire = events.planned(ZONE, EventType.EXPIRE).orElseThrow();
        clock.advance(Duration.ofSeconds(30));

        ZoneEvents restarted = secondary();
        assertThat(restarted.planned(ZONE, EventType.REFRESH)).contains(planned.truncatedTo(
                java.time.temporal.ChronoUnit.SECONDS));
        assertThat(restarted.planned(ZONE, EventType.EXPIRE)).contains(expire.truncatedTo(
                java.time.temporal.ChronoUnit.SECONDS));
    }

    private void setMaster(String master) throws Exception {
        try (Connection connection = store.dataSource().getConnection();
             Statement statement = connection.createStatement()) {
            statement.execute("UPDATE domains SET master = '" + master + "' WHERE id = " + domainId);
        }
    }
}
