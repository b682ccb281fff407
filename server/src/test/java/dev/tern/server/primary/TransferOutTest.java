package dev.tern.server.primary;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import dev.tern.server.testing.Peers;
import dev.tern.server.testing.RawTcpClient;
import dev.tern.server.testing.TernProcess;
import dev.tern.server.testing.TestZones;

/**
 * AXFR and IXFR out of a Tern primary, checked with {@code dig}, {@code kdig} and plain sockets: the whole zone in
 * several messages, access control and TSIG, the condensed IXFR of edits made in SQL, and one consistent serial for
 * a client that reads while the zone changes.
 */
class TransferOutTest {
    private static final String ORIGIN = "xfr.test.";
    private static final String SECRET = "eGZyLW91dC1zZWNyZXQteGZyLW91dC1zZWNyZXQ=";

    static String zone(long serial, int hosts) {
        StringBuilder text = new StringBuilder("$ORIGIN xfr.test.\n$TTL 300\n@ SOA ns1 hostmaster " + serial
                + " 3600 600 86400 60\n@ NS ns1\nns1 A 127.0.0.1\nsub NS ns.sub\nns.sub A 127.0.0.53\n");
        for (int i = 0; i < hosts; i++) {
            text.append("h").append(i).append(" TXT \"host number ").append(i).append(" of the transfer test\"\n");
        }
        return text.toString();
    }

    @Test
    void sendsTheWholeZoneInSeveralMessagesToDig(@TempDir Path dir) throws Exception {
        String text = zone(1, 2000);
        try (TernProcess tern = TernProcess.start(dir, List.of(), ORIGIN, text)) {
            Peers.Result dig = dig(tern.port(), "AXFR", ORIGIN, "+onesoa", "+nocmd", "+nostats");
            Set<String> received = lines(dig.output());
            Set<String> expected = TestZones.records(ORIGIN, text).stream().map(Record::toString)
                    .map(TransferOutTest::normalize).collect(Collectors.toCollection(TreeSet::new));
            assertThat(received).isEqualTo(expected);
            Peers.Result stats = dig(tern.port(), "AXFR", ORIGIN);
            assertThat(stats.output()).containsPattern("XFR size: " + (expected.size() + 1) + " records \\(messages"
                    + " ([2-9]|\\d\\d+),");
        }
    }

    @Test
    void refusesWhatIsNotAllowedAndSaysWhy(@TempDir Path dir) throws Exception {
        try (TernProcess tern = TernProcess.start(dir, List.of("allow-axfr-ips=10.0.0.0/8"), ORIGIN, zone(1, 10),
                "other.test.", zone(1, 1).replace("xfr.test.", "other.test."))) {
            assertThat(rcode(tern.port(), "xfr.test.")).isEqualTo(Rcode.NOTAUTH);
            assertThat(rcode(tern.port(), "unknown.test.")).isEqualTo(Rcode.REFUSED);
            // ALLOW-AXFR-FROM opens one zone to loopback; the other stays closed.
            sql(tern.database(), "INSERT INTO domainmetadata (domain_id, kind, content) SELECT id, 'ALLOW-AXFR-FROM',"
                    + " '127.0.0.0/8' FROM domains WHERE name = 'xfr.test'");
            tern.server().syncNow();
            assertThat(rcode(tern.port(), "xfr.test.")).isEqualTo(Rcode.NOERROR);
            assertThat(rcode(tern.port(), "other.test.")).isEqualTo(Rcode.NOTAUTH);
        }
    }

    @Test
    void signsTransfersForKeysTheZoneAllowsAndRefusesOthers(@TempDir Path dir) throws Exception {
        try (TernProcess tern = TernProcess.start(dir, List.of(), ORIGIN, zone(1, 300))) {
            sql(tern.database(), "INSERT INTO tsigkeys (name, algorithm, secret) VALUES ('xfr-key', 'hmac-sha256', '"
                    + SECRET + "')", "INSERT INTO tsigkeys (name, algorithm, secret) VALUES ('other-key',"
                    + " 'hmac-sha256', '" + SECRET + "')", "INSERT INTO domainmetadata (domain_id, kind, content)"
                    + " SELECT id, 'TSIG-ALLOW-AXFR', 'xfr-key' FROM domains WHERE name = 'xfr.test'");
            tern.server().syncNow();
            Peers.Result signed = dig(tern.port(), "AXFR", ORIGIN, "-y", "hmac-sha256:xfr-key:" + SECRET);
            // dig verifies the TSIG of every message and fails the transfer when one does not verify.
            assertThat(signed.output()).doesNotContain("Transfer failed").doesNotContain("tsig")
                    .containsPattern("XFR size: 306 records \\(messages [2-9]");
            // Ordinary queries signed with a known key get signed answers (a secondary's SOA check is signed).
            Peers.Result soa = dig(tern.port(), "SOA", ORIGIN, "-y", "hmac-sha256:other-key:" + SECRET);
            assertThat(soa.output()).contains("status: NOERROR").containsPattern("other-key\\.\\s+0\\s+ANY\\s+TSIG")
                    .doesNotContain("failure");
            Peers.Result unknownKey = dig(tern.port(), "SOA", ORIGIN, "-y", "hmac-sha256:nobody:" + SECRET);
            assertThat(unknownKey.output()).contains("status: NOTAUTH");
            // Unsigned from an allow-axfr-ips address: the zone asks for a key, so no.
            assertThat(rcode(tern.port(), "xfr.test.")).isEqualTo(Rcode.NOTAUTH);
            Peers.Result otherKey = dig(tern.port(), "AXFR", ORIGIN, "-y", "hmac-sha256:other-key:" + SECRET);
            assertThat(otherKey.output()).contains("Transfer failed");
            Peers.Result badSecret = dig(tern.port(), "AXFR", ORIGIN, "-y",
                    "hmac-sha256:xfr-key:c29tZXRoaW5nLWVsc2UtZW50aXJlbHk=");
            assertThat(badSecret.output()).contains("Transfer failed");
        }
    }

    @Test
    void answersIxfrWithTheCondensedChangesOfSqlEdits(@TempDir Path dir) throws Exception {
        try (TernProcess tern = TernProcess.start(dir, List.of(), ORIGIN, zone(1, 50))) {
            editInSql(tern, 2, "INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth)"
                    + " SELECT id, 'new.xfr.test', 'A', '127.0.0.7', 300, 0, 0, 1 FROM domains WHERE name = 'xfr.test'",
                    "DELETE FROM records WHERE name = 'h3.xfr.test'");
            editInSql(tern, 3, "UPDATE records SET content = '127.0.0.8' WHERE name = 'new.xfr.test'",
                    "INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth)"
                    + " SELECT id, 'later.xfr.test', 'A', '127.0.0.9', 300, 0, 0, 1 FROM domains"
                    + " WHERE name = 'xfr.test'");

            // One condensed change: new.xfr.test's first address never appears, since it came and went.
            assertThat(runs(kdigIxfr(tern.port(), 1))).containsExactly("SOA 3", "SOA 1",
                    Set.of("h3.xfr.test. 300 IN TXT \"host number 3 of the transfer test\""), "SOA 3",
                    Set.of("later.xfr.test. 300 IN A 127.0.0.9", "new.xfr.test. 300 IN A 127.0.0.8"), "SOA 3");
            assertThat(runs(kdigIxfr(tern.port(), 2))).containsExactly("SOA 3", "SOA 2",
                    Set.of("new.xfr.test. 300 IN A 127.0.0.7"), "SOA 3",
                    Set.of("later.xfr.test. 300 IN A 127.0.0.9", "new.xfr.test. 300 IN A 127.0.0.8"), "SOA 3");
            assertThat(kdigIxfr(tern.port(), 3)).containsExactly("SOA 3");
            // A serial the journal never saw: the whole zone, AXFR-style (two SOAs, 51 hosts, NS, 3 more).
            assertThat(kdigIxfr(tern.port(), 0)).hasSize(2 + (50 - 1 + 2) + 4);
        }
    }

    @Test
    void aPrunedJournalAnswersOlderSerialsWithTheWholeZone(@TempDir Path dir) throws Exception {
        try (TernProcess tern = TernProcess.start(dir, List.of("journal-max-depth=2"), ORIGIN, zone(1, 10))) {
            for (int serial = 2; serial <= 4; serial++) {
                editInSql(tern, serial, "UPDATE records SET content = '\"edit " + serial + "\"' WHERE name = 'h1.xfr.test'");
            }
            // Changes 2->3 and 3->4 are kept; 1->2 was pruned.
            assertThat(kdigIxfr(tern.port(), 2)).containsExactly("SOA 4", "SOA 2",
                    "h1.xfr.test. 300 IN TXT \"edit 2\"", "SOA 4", "h1.xfr.test. 300 IN TXT \"edit 4\"", "SOA 4");
            assertThat(kdigIxfr(tern.port(), 1)).hasSize(2 + 10 + 4);
        }
    }

    @Test
    void aClientReadingWhileTheZoneChangesGetsOneSerial(@TempDir Path dir) throws Exception {
        try (TernProcess tern = TernProcess.start(dir, List.of(), ORIGIN, zone(1, 20_000))) {
            try (RawTcpClient client = new RawTcpClient(tern.port(), 4096, 10_000)) {
                client.send(Message.newQuery(Record.newRecord(Name.fromString(ORIGIN), Type.AXFR, DClass.IN)));
                Message first = client.read();
                assertThat(first.getRcode()).isEqualTo(Rcode.NOERROR);
                editInSql(tern, 2, "DELETE FROM records WHERE name LIKE 'h1%'");
                List<Record> records = new ArrayList<>(first.getSection(Section.ANSWER));
                for (int i = 0; i < 10_000 && soaCount(records) < 2; i++) {
                    Message next = client.read();
                    assertThat(next).as("the stream ended early").isNotNull();
                    records.addAll(next.getSection(Section.ANSWER));
                }
                assertThat(records.stream().filter(r -> r instanceof SOARecord)
                        .map(r -> ((SOARecord) r).getSerial())).containsExactly(1L, 1L);
                assertThat(records).hasSize(20_000 + 4 + 2);
            }
        }
    }

    static void editInSql(TernProcess tern, long serial, String... statements) throws Exception {
        List<String> all = new ArrayList<>(List.of(statements));
        all.add("UPDATE records SET content = 'ns1.xfr.test hostmaster.xfr.test " + serial + " 3600 600 86400 60'"
                + " WHERE type = 'SOA' AND name = 'xfr.test'");
        sql(tern.database(), all.toArray(String[]::new));
        tern.server().syncNow();
    }

    static void sql(Path database, String... statements) throws Exception {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
             Statement statement = connection.createStatement()) {
            connection.setAutoCommit(false);
            for (String sql : statements) {
                statement.execute(sql);
            }
            connection.commit();
        }
    }

    /** SOA lines as they are, the records between two SOAs as a set (their order carries no meaning). */
    static List<Object> runs(List<String> lines) {
        List<Object> runs = new ArrayList<>();
        Set<String> run = null;
        for (String line : lines) {
            if (line.startsWith("SOA ")) {
                if (run != null) {
                    runs.add(run);
                    run = null;
                }
                runs.add(line);
            } else {
                if (run == null) {
                    run = new TreeSet<>();
                }
                run.add(line);
            }
        }
        if (run != null) {
            runs.add(run);
        }
        return runs;
    }

    private static long soaCount(List<Record> records) {
        return records.stream().filter(r -> r instanceof SOARecord).count();
    }

    /** kdig's IXFR answer as lines, SOAs shortened to "SOA serial". */
    static List<String> kdigIxfr(int port, long serial) throws Exception {
        Peers.Result result = Peers.run(30, Peers.require("kdig", "knot-dnsutils"), "@127.0.0.1", "-p",
                Integer.toString(port), "+nocrypto", "+noall", "+answer", "IXFR=" + serial, ORIGIN);
        assertThat(result.exitCode()).as(result.output()).isZero();
        List<String> lines = new ArrayList<>();
        for (String line : result.output().split("\n")) {
            String[] fields = line.trim().split("\\s+");
            if (line.isBlank() || line.startsWith(";")) {
                continue;
            }
            lines.add(fields.length > 6 && fields[3].equals("SOA") ? "SOA " + fields[6] : String.join(" ", fields));
        }
        return lines;
    }

    private static Peers.Result dig(int port, String type, String name, String... options) throws Exception {
        List<String> command = new ArrayList<>(List.of(Peers.require("dig", "bind9-dnsutils"), "@127.0.0.1", "-p",
                Integer.toString(port), type, name, "+tries=1", "+time=10"));
        command.addAll(List.of(options));
        return Peers.run(60, command.toArray(String[]::new));
    }

    private static Set<String> lines(String output) {
        Set<String> records = new TreeSet<>();
        for (String line : output.split("\n")) {
            if (!line.isBlank() && !line.startsWith(";")) {
                records.add(normalize(line));
            }
        }
        return records;
    }

    private static String normalize(String line) {
        return String.join(" ", line.trim().split("\\s+"));
    }

    private static int rcode(int port, String zone) throws Exception {
        try (RawTcpClient client = new RawTcpClient(port, 0, 5000)) {
            client.send(Message.newQuery(Record.newRecord(Name.fromString(zone), Type.AXFR, DClass.IN)));
            return client.read().getRcode();
        }
    }
}
