package dev.tern.server.secondary;

import static dev.tern.server.secondary.SecondaryFromKnotTest.answer;
import static dev.tern.server.secondary.SecondaryFromKnotTest.rcode;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;
import dev.tern.config.ConfigLoader;
import dev.tern.server.Server;
import dev.tern.server.store.JdbcZoneStore;
import dev.tern.server.testing.FreePort;
import dev.tern.server.testing.NamedPrimary;
import dev.tern.server.testing.PowerDnsServer;
import dev.tern.server.zone.ZoneKind;

/**
 * A Tern secondary follows real BIND and PowerDNS primaries through several serial changes, and the database it wrote
 * is then served by {@code pdns_server} with the same answers as the primary gives (format compatibility).
 */
class SecondaryInteropTest {
    private static final String SECRET = "aW50ZXJvcC1zZWNyZXQtaW50ZXJvcC1zZWNyZXQtaW50ZXJvcA==";
    private static final List<String> NAMES = List.of("sec.test.", "h7.sec.test.", "h499.sec.test.",
            "new.sec.test.", "mail.sec.test.", "ns1.sec.test.", "www.sec.test.", "missing.sec.test.",
            "deep.sub.sec.test.", "sub.sec.test.");
    private static final int[] TYPES = {Type.SOA, Type.NS, Type.A, Type.TXT, Type.MX, Type.AAAA};

    /** Zone text for a serial, with extra lines; a delegation and an empty non-terminal exercise the format. */
    static String zone(long serial, String extra) {
        return SecondaryFromKnotTest.zone(serial, "deep.sub A 127.0.0.20\n" + extra);
    }

    @Test
    void followsNamedThroughAxfrNotifyAndIxfrWithTsigAndPowerDnsServesTheResult(@TempDir Path dir)
            throws Exception {
        int namedPort = FreePort.pick();
        Path database = dir.resolve("tern.sqlite3");
        long domainId;
        try (JdbcZoneStore store = JdbcZoneStore.openSqlite(database, 5000, 3600)) {
            domainId = store.createZone(Name.fromConstantString("sec.test."), ZoneKind.SECONDARY,
                    "127.0.0.1:" + namedPort).id();
            try (Connection connection = store.dataSource().getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO tsigkeys (name, algorithm, secret) VALUES ('interop-key', "
                        + "'hmac-sha512', '" + SECRET + "')");
                statement.execute("INSERT INTO domainmetadata (domain_id, kind, content) VALUES (" + domainId
                        + ", 'AXFR-MASTER-TSIG', 'interop-key')");
            }
        }
        Path namedDir = Files.createDirectories(dir.resolve("named"));
        try (Server tern = startTern(dir, database);
             NamedPrimary named = NamedPrimary.start(namedDir, namedPort, "sec.test", zone(1, ""),
                     "hmac-sha512:interop-key:" + SECRET, tern.port())) {
            SecondaryFromKnotTest.awaitSerial(tern.port(), 1);
            awaitTransfers(tern, "axfr", 1);

            named.update(zone(2, "new A 127.0.0.11\n"));
            SecondaryFromKnotTest.awaitSerial(tern.port(), 2);
            awaitTransfers(tern, "ixfr", 1);
            assertThat(answer(tern.port(), "new.sec.test.", Type.A)).containsExactly("127.0.0.11");

            named.update(zone(3, "new A 127.0.0.12\n").replace("www A 127.0.0.10\n", ""));
            SecondaryFromKnotTest.awaitSerial(tern.port(), 3);
            awaitTransfers(tern, "ixfr", 2);
            assertThat(rcode(tern.port(), "www.sec.test.", Type.A)).isEqualTo(Rcode.NXDOMAIN);

            named.update(zone(4, "new A 127.0.0.12\nmail MX 10 ns1\n").replace("www A 127.0.0.10\n", ""));
            SecondaryFromKnotTest.awaitSerial(tern.port(), 4);
            awaitTransfers(tern, "ixfr", 3);
            awaitTransfers(tern, "axfr", 1);
            assertSameAnswers(named.port(), tern.port(), "ternd");

            // Format compatibility: pdns_server serves the database ternd wrote, with the primary's answers.
            Path pdnsDir = Files.createDirectories(dir.resolve("pdns"));
            PowerDnsServer.configure(pdnsDir, database, List.of());
            try (PowerDnsServer pdns = PowerDnsServer.start(pdnsDir, "sec.test.")) {
                assertSameAnswers(named.port(), pdns.port(), "pdns_server on ternd's database");
            }
        }
    }

    @Test
    void followsPowerDnsPrimaryThroughAxfrAndNotify(@TempDir Path dir) throws Exception {
        int pdnsPort = FreePort.pick();
        Path database = dir.resolve("tern.sqlite3");
        try (JdbcZoneStore store = JdbcZoneStore.openSqlite(database, 5000, 3600)) {
            store.createZone(Name.fromConstantString("sec.test."), ZoneKind.SECONDARY, "127.0.0.1:" + pdnsPort);
        }
        Path pdnsDir = Files.createDirectories(dir.resolve("pdns"));
        Path pdnsDatabase = pdnsDir.resolve("primary.sqlite3");
        PowerDnsServer.createDatabase(pdnsDatabase);
        try (Server tern = startTern(dir, database)) {
            // only-notify empty: PowerDNS looks up no NS names; also-notify reaches ternd and nothing else.
            PowerDnsServer.configure(pdnsDir, pdnsDatabase, List.of("primary=yes", "only-notify=",
                    "also-notify=127.0.0.1:" + tern.port(), "xfr-cycle-interval=1", "allow-axfr-ips=127.0.0.0/8"));
            Path zoneFile = pdnsDir.resolve("sec.test.zone");
            Files.writeString(zoneFile, zone(1, ""));
            PowerDnsServer.pdnsutil(pdnsDir, "load-zone", "sec.test", zoneFile.toString());
            PowerDnsServer.pdnsutil(pdnsDir, "set-kind", "sec.test", "primary");
            // load-zone writes no empty non-terminal rows; without them PowerDNS answers NXDOMAIN for sub.sec.test.
            PowerDnsServer.pdnsutil(pdnsDir, "rectify-zone", "sec.test");
            try (PowerDnsServer pdns = PowerDnsServer.start(pdnsDir, "sec.test.", pdnsPort)) {
                // ternd's first check may have run before pdns_server listened; ask again as an operator would.
                tern.secondaries().requestRefresh(Name.fromConstantString("sec.test."), null)
                        .get(20, java.util.concurrent.TimeUnit.SECONDS);
                SecondaryFromKnotTest.awaitSerial(tern.port(), 1);
                awaitTransfers(tern, "axfr", 1);
                for (int serial = 2; serial <= 4; serial++) {
                    PowerDnsServer.pdnsutil(pdnsDir, "replace-rrset", "sec.test", "new", "A", "300",
                            "127.0.0." + (10 + serial));
                    PowerDnsServer.pdnsutil(pdnsDir, "increase-serial", "sec.test");
                    // PowerDNS notices the serial change within a cycle and notifies; no retrieve is asked for.
                    SecondaryFromKnotTest.awaitSerial(tern.port(), serial);
                    assertThat(answer(tern.port(), "new.sec.test.", Type.A)).containsExactly("127.0.0." + (10 + serial));
                }
                // Refresh is 3600 s: only PowerDNS's NOTIFYs explain the three transfers.
                assertThat(tern.metrics().registry().counter("tern.notify.in", "result", "accepted").count())
                        .isGreaterThanOrEqualTo(3);
                assertSameAnswers(pdns.port(), tern.port(), "ternd");
            }
        }
    }

    private static Server startTern(Path dir, Path database) throws Exception {
        return new Server(new ConfigLoader().load(List.of("local-address=127.0.0.1", "local-port=0",
                "gsqlite3-database=" + database, "secondary=yes", "sql-poll-interval=1", "socket-dir=" + dir)))
                .start(false);
    }

    /** Waits (at most 5 s: the counter follows the swap of the snapshot) until the count is reached. */
    private static void awaitTransfers(Server tern, String type, long expected) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (transfers(tern, type) < expected && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertThat(transfers(tern, type)).as("successful " + type + " transfers in").isEqualTo(expected);
    }

    /** Successful incoming transfers of a type ("axfr" includes IXFR answered AXFR-style), from the metrics. */
    private static long transfers(Server tern, String type) {
        io.micrometer.core.instrument.Timer timer = tern.metrics().registry().find("tern.xfr.duration")
                .tags("direction", "in", "type", type, "result", "success").timer();
        return timer == null ? 0 : timer.count();
    }

    private static void assertSameAnswers(int expectedPort, int actualPort, String who) throws Exception {
        for (String name : NAMES) {
            for (int type : TYPES) {
                assertThat(answer(actualPort, name, type)).as(who + ": " + name + " " + Type.string(type))
                        .containsExactlyInAnyOrderElementsOf(answer(expectedPort, name, type));
                assertThat(rcode(actualPort, name, type)).as(who + ": rcode of " + name + " " + Type.string(type))
                        .isEqualTo(rcode(expectedPort, name, type));
            }
        }
    }
}
