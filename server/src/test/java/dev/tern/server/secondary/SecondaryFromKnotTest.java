package dev.tern.server.secondary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import dev.tern.config.ConfigLoader;
import dev.tern.server.Server;
import dev.tern.server.store.JdbcZoneStore;
import dev.tern.server.store.Journal;
import dev.tern.server.testing.Answers;
import dev.tern.server.testing.FreePort;
import dev.tern.server.testing.KnotPrimary;
import dev.tern.server.zone.ZoneKind;

/**
 * A Tern secondary follows a real knotd primary through several serial changes: the first AXFR, then NOTIFY and
 * IXFR, all signed with TSIG; the answers equal the primary's and the changes are journaled.
 */
class SecondaryFromKnotTest {
    private static final String SECRET = "c2Vjb25kYXJ5LXNlY3JldC1zZWNvbmRhcnktc2VjcmV0";
    private static final Name ZONE = Name.fromConstantString("sec.test.");

    static String zone(long serial, String extra) {
        StringBuilder text = new StringBuilder("$ORIGIN sec.test.\n$TTL 300\n@ SOA ns1 hostmaster " + serial
                + " 3600 600 86400 60\n@ NS ns1\nns1 A 127.0.0.1\nwww A 127.0.0.10\n");
        for (int i = 0; i < 500; i++) {
            text.append("h").append(i).append(" TXT \"host ").append(i).append("\"\n");
        }
        return text.append(extra).toString();
    }

    @Test
    void followsKnotThroughAxfrNotifyAndIxfrWithTsig(@TempDir Path dir) throws Exception {
        int knotPort = FreePort.pick();
        Path database = dir.resolve("tern.sqlite3");
        long domainId;
        try (JdbcZoneStore store = JdbcZoneStore.openSqlite(database, 5000, 3600)) {
            domainId = store.createZone(ZONE, ZoneKind.SECONDARY, "127.0.0.1:" + knotPort).id();
            try (Connection connection = store.dataSource().getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO tsigkeys (name, algorithm, secret) VALUES ('sec-key', 'hmac-sha256', '"
                        + SECRET + "')");
                statement.execute("INSERT INTO domainmetadata (domain_id, kind, content) VALUES (" + domainId
                        + ", 'AXFR-MASTER-TSIG', 'sec-key')");
            }
        }
        Path knotDir = Files.createDirectories(dir.resolve("knot"));
        try (Server tern = new Server(new ConfigLoader().load(List.of("local-address=127.0.0.1", "local-port=0",
                "gsqlite3-database=" + database, "secondary=yes", "sql-poll-interval=1", "socket-dir=" + dir))).start(false)) {
            try (KnotPrimary knot = KnotPrimary.start(knotDir, knotPort, "sec.test", zone(1, ""),
                    "hmac-sha256:sec-key:" + SECRET, tern.port())) {
                awaitSerial(tern.port(), 1);
                assertThat(answer(tern.port(), "www.sec.test.", Type.A)).containsExactly("127.0.0.10");

                knot.update(zone(2, "new A 127.0.0.11\n"));
                awaitSerial(tern.port(), 2);
                assertThat(answer(tern.port(), "new.sec.test.", Type.A)).containsExactly("127.0.0.11");

                knot.update(zone(3, "new A 127.0.0.12\n").replace("www A 127.0.0.10\n", ""));
                awaitSerial(tern.port(), 3);
                assertThat(answer(tern.port(), "new.sec.test.", Type.A)).containsExactly("127.0.0.12");
                assertThat(rcode(tern.port(), "www.sec.test.", Type.A)).isEqualTo(Rcode.NXDOMAIN);

                knot.update(zone(4, "new A 127.0.0.12\nmail MX 10 ns1\n").replace("www A 127.0.0.10\n", ""));
                awaitSerial(tern.port(), 4);
                for (String name : List.of("sec.test.", "h7.sec.test.", "mail.sec.test.", "ns1.sec.test.")) {
                    for (int type : new int[] {Type.SOA, Type.NS, Type.A, Type.TXT, Type.MX}) {
                        assertThat(answer(tern.port(), name, type)).as(name + " " + Type.string(type))
                                .containsExactlyInAnyOrderElementsOf(answer(knot.port(), name, type));
                    }
                }
            }
            try (JdbcZoneStore store = JdbcZoneStore.openSqlite(database, 5000, 3600)) {
                assertThat(new Journal(store.dataSource()).count(domainId)).isEqualTo(3);
            }
        }
    }

    static void awaitSerial(int port, long serial) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        List<String> last = List.of();
        while (System.nanoTime() < deadline) {
            last = answer(port, "sec.test.", Type.SOA);
            if (!last.isEmpty() && last.get(0).split(" ")[2].equals(Long.toString(serial))) {
                return;
            }
            Thread.sleep(100);
        }
        fail("ternd did not serve serial " + serial + " within 20 s; last SOA: " + last);
    }

    static List<String> answer(int port, String name, int type) throws Exception {
        return Answers.answer(port, name, type);
    }

    static int rcode(int port, String name, int type) throws Exception {
        return Answers.rcode(port, name, type);
    }
}
