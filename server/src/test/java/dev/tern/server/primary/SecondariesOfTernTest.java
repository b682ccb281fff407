package dev.tern.server.primary;

import static dev.tern.server.primary.TransferOutTest.editInSql;
import static dev.tern.server.primary.TransferOutTest.sql;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.Type;
import dev.tern.config.ConfigLoader;
import dev.tern.server.Server;
import dev.tern.server.store.JdbcZoneStore;
import dev.tern.server.testing.Answers;
import dev.tern.server.testing.KnotSecondary;
import dev.tern.server.testing.NamedPrimary;
import dev.tern.server.testing.PowerDnsServer;
import dev.tern.server.testing.TernProcess;
import dev.tern.server.zone.ZoneKind;

/**
 * Real secondaries pull from a Tern primary on loopback and follow changes made by writing SQL: BIND by NOTIFY and
 * IXFR with TSIG, PowerDNS by NOTIFY and AXFR, and a chain Tern primary -> Tern secondary -> knotd.
 */
class SecondariesOfTernTest {
    private static final String ORIGIN = "xfr.test.";
    private static final String SECRET = "c2Vjb25kYXJpZXMtb2YtdGVybi1zZWNyZXQtc2Vjb25kYXJpZXM=";
    private static final List<String> NAMES = List.of("xfr.test.", "new.xfr.test.", "h7.xfr.test.", "h8.xfr.test.",
            "ns.sub.xfr.test.");

    @Test
    void namedFollowsEverySqlEditThroughNotifyAndIxfrWithTsig(@TempDir Path dir) throws Exception {
        try (TernProcess tern = primary(dir, true)) {
            Path namedDir = Files.createDirectories(dir.resolve("named"));
            try (NamedPrimary named = NamedPrimary.startSecondary(namedDir, "xfr.test", tern.port(),
                    "hmac-sha256:xfr-key:" + SECRET)) {
                named.awaitSerial(1, Duration.ofSeconds(30));
                alsoNotify(tern, named.port());
                threeEdits(tern, serial -> named.awaitSerial(serial, Duration.ofSeconds(30)));
                assertSameAnswers(tern.port(), named.port());
                String log = named.log();
                // Each edit came as an IXFR of a handful of records, not the 206 of the zone.
                assertThat(java.util.regex.Pattern.compile("Transfer completed: 1 messages, [4-8] records")
                        .matcher(log).results().count()).as(log).isEqualTo(3);
                assertThat(log).doesNotContain("failed while receiving responses");
            }
        }
    }

    @Test
    void powerDnsFollowsEverySqlEditThroughNotify(@TempDir Path dir) throws Exception {
        try (TernProcess tern = primary(dir, false)) {
            Path pdnsDir = Files.createDirectories(dir.resolve("pdns"));
            Path database = pdnsDir.resolve("secondary.sqlite3");
            PowerDnsServer.createDatabase(database);
            PowerDnsServer.configure(pdnsDir, database, List.of("secondary=yes", "xfr-cycle-interval=1",
                    "allow-notify-from=127.0.0.0/8"));
            PowerDnsServer.pdnsutil(pdnsDir, "create-secondary-zone", "xfr.test", "127.0.0.1:" + tern.port());
            try (PowerDnsServer pdns = PowerDnsServer.startWithoutProbe(pdnsDir)) {
                awaitSerial(pdns.port(), 1);
                alsoNotify(tern, pdns.port());
                threeEdits(tern, serial -> awaitSerial(pdns.port(), serial));
                assertSameAnswers(tern.port(), pdns.port());
            }
        }
    }

    @Test
    void aChainOfTernPrimaryTernSecondaryAndKnotFollowsThreeEdits(@TempDir Path dir) throws Exception {
        try (TernProcess primary = primary(dir, false)) {
            Path middleDir = Files.createDirectories(dir.resolve("middle"));
            Path middleDatabase = middleDir.resolve("tern.sqlite3");
            try (JdbcZoneStore store = JdbcZoneStore.openSqlite(middleDatabase, 5000, 3600)) {
                store.createZone(Name.fromConstantString(ORIGIN), ZoneKind.SECONDARY, "127.0.0.1:" + primary.port());
            }
            try (Server middle = new Server(new ConfigLoader().load(List.of("local-address=127.0.0.1",
                    "local-port=0", "gsqlite3-database=" + middleDatabase, "secondary=yes",
                    "secondary-do-renotify=yes", "sql-poll-interval=1", "socket-dir=" + middleDir))).start(false)) {
                awaitSerial(middle.port(), 1);
                alsoNotify(primary, middle.port());
                Path knotDir = Files.createDirectories(dir.resolve("knot"));
                try (KnotSecondary knot = KnotSecondary.start(knotDir, "xfr.test", middle.port(), null)) {
                    knot.awaitSerial(1, Duration.ofSeconds(30));
                    sql(middleDatabase, "INSERT INTO domainmetadata (domain_id, kind, content) SELECT id,"
                            + " 'ALSO-NOTIFY', '127.0.0.1:" + knot.port() + "' FROM domains");
                    middle.syncNow();
                    threeEdits(primary, serial -> knot.awaitSerial(serial, Duration.ofSeconds(30)));
                    assertSameAnswers(primary.port(), knot.port());
                    String log = knot.log();
                    assertThat(log.split("IXFR, incoming").length - 1).as(log).isGreaterThanOrEqualTo(3);
                }
            }
        }
    }

    interface SerialWait {
        void await(long serial) throws Exception;
    }

    private static TernProcess primary(Path dir, boolean withKey) throws Exception {
        TernProcess tern = TernProcess.start(dir, List.of("primary=yes"), ORIGIN, TransferOutTest.zone(1, 200));
        sql(tern.database(), "UPDATE domains SET type = 'MASTER'");
        if (withKey) {
            sql(tern.database(), "INSERT INTO tsigkeys (name, algorithm, secret) VALUES ('xfr-key', 'hmac-sha256', '"
                    + SECRET + "')", "INSERT INTO domainmetadata (domain_id, kind, content) SELECT id,"
                    + " 'TSIG-ALLOW-AXFR', 'xfr-key' FROM domains");
        }
        tern.server().syncNow();
        return tern;
    }

    private static void alsoNotify(TernProcess tern, int port) throws Exception {
        sql(tern.database(), "INSERT INTO domainmetadata (domain_id, kind, content) SELECT id, 'ALSO-NOTIFY',"
                + " '127.0.0.1:" + port + "' FROM domains");
        tern.server().syncNow();
    }

    private static void threeEdits(TernProcess tern, SerialWait wait) throws Exception {
        editInSql(tern, 2, "INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth)"
                + " SELECT id, 'new.xfr.test', 'A', '127.0.0.7', 300, 0, 0, 1 FROM domains");
        wait.await(2);
        editInSql(tern, 3, "UPDATE records SET content = '127.0.0.8' WHERE name = 'new.xfr.test'");
        wait.await(3);
        editInSql(tern, 4, "DELETE FROM records WHERE name = 'h7.xfr.test'");
        wait.await(4);
    }

    private static void assertSameAnswers(int expectedPort, int actualPort) throws Exception {
        for (String name : NAMES) {
            for (int type : new int[] {Type.SOA, Type.A, Type.TXT, Type.NS}) {
                assertThat(Answers.answer(actualPort, name, type)).as(name + " " + Type.string(type))
                        .containsExactlyInAnyOrderElementsOf(Answers.answer(expectedPort, name, type));
            }
        }
    }

    /** Polls (bounded) until a server on loopback answers the zone's SOA with this serial. */
    static void awaitSerial(int port, long serial) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                List<String> soa = Answers.answer(port, ORIGIN, Type.SOA);
                if (!soa.isEmpty() && soa.get(0).split(" ")[2].equals(Long.toString(serial))) {
                    return;
                }
                last = soa.toString();
            } catch (java.io.IOException e) {
                last = e.toString();
            }
            Thread.sleep(100);
        }
        org.assertj.core.api.Assertions.fail("serial " + serial + " not served on port " + port + " within 30 s;"
                + " last: " + last);
    }
}
