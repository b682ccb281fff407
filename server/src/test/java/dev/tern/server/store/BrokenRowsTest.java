package dev.tern.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;
import dev.tern.server.cli.TernCtlMain;
import dev.tern.server.events.ZonePublisher;
import dev.tern.server.testing.Answers;
import dev.tern.server.testing.PowerDnsServer;
import dev.tern.server.testing.RawTcpClient;
import dev.tern.server.testing.TernCtlRun;
import dev.tern.server.testing.TernProcess;

/**
 * Rows Tern cannot read, in a database made with PowerDNS's own schema file and filled with sqlite3: every other
 * name is served, the owner of a broken row answers SERVFAIL for its type, and the operator is told which rows, in
 * the log (once per serial), in zone-status, in {@code ternctl zone check} and in a metric; a transfer out is
 * refused rather than sent short. A zone PowerDNS would sign online (active keys made by pdnsutil, no PRESIGNED) is
 * served unsigned and says so.
 */
class BrokenRowsTest {
    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void listen() {
        ((Logger) LoggerFactory.getLogger(ZonePublisher.class)).addAppender(log);
        log.start();
    }

    @AfterEach
    void stopListening() {
        ((Logger) LoggerFactory.getLogger(ZonePublisher.class)).detachAppender(log);
    }

    private static String row(String zone, String name, String type, String content, int prio) {
        return "((SELECT id FROM domains WHERE name = '" + zone + "'), '" + name + "', '" + type + "', '" + content
                + "', 300, " + prio + ", 0, 1)";
    }

    private static String insert(String zone, String... rows) {
        return "INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth) VALUES "
                + String.join(", ", rows) + ";";
    }

    private long rowId(Path database, String name, String type) throws Exception {
        return Long.parseLong(PowerDnsSchemaTest.sqlite3(database, "SELECT id FROM records WHERE name = '" + name
                + "' AND type = '" + type + "'").trim());
    }

    private long loggedLines(String text) {
        return log.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                .filter(e -> e.getFormattedMessage().contains(text)).count();
    }

    static TernCtlRun zoneCommand(Path socket, Path database, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        List<String> all = new ArrayList<>(List.of("--socket", socket.toString(), "zone", "--database",
                database.toString()));
        all.addAll(List.of(args));
        int code = TernCtlMain.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(all.toArray(String[]::new));
        return new TernCtlRun(code, out.toString().trim(), err.toString().trim());
    }

    private static String scrape(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** The rcode of the first message of an AXFR over TCP. */
    private static int axfrRcode(int port, String zone) throws Exception {
        try (RawTcpClient client = new RawTcpClient(port, 0, 5000)) {
            client.send(Message.newQuery(org.xbill.DNS.Record.newRecord(Name.fromString(zone), Type.AXFR,
                    DClass.IN)));
            return client.read().getRcode();
        }
    }

    @Test
    void oneUnreadableRowTakesDownOnlyItsNameAndTypeAndIsNamedEverywhere() throws Exception {
        Path database = dir.resolve("pdns.sqlite3");
        PowerDnsServer.createDatabase(database);
        PowerDnsSchemaTest.sqlite3(database, "INSERT INTO domains (name, type) VALUES ('rows.test', 'NATIVE');"
                + insert("rows.test",
                        row("rows.test", "rows.test", "SOA", "ns.rows.test hostmaster.rows.test 1 3600 600 86400 60", 0),
                        row("rows.test", "rows.test", "NS", "ns.rows.test", 0),
                        row("rows.test", "ns.rows.test", "A", "127.0.0.1", 0),
                        row("rows.test", "www.rows.test", "A", "127.0.0.80", 0),
                        row("rows.test", "bad.rows.test", "A", "not-an-address", 0),
                        row("rows.test", "bad.rows.test", "TXT", "\"the TXT beside it is fine\"", 0),
                        row("rows.test", "mx.rows.test", "MX", "", 10),
                        row("rows.test", "odd.rows.test", "BOGUSTYPE", "whatever", 0),
                        row("rows.test", "a..b.rows.test", "A", "127.0.0.9", 0)));
        List<Long> broken = List.of(rowId(database, "bad.rows.test", "A"), rowId(database, "mx.rows.test", "MX"),
                rowId(database, "odd.rows.test", "BOGUSTYPE"), rowId(database, "a..b.rows.test", "A"));

        try (TernProcess tern = TernProcess.open(dir, database, List.of("sql-poll-interval=0", "webserver=yes",
                "webserver-port=0"))) {
            int port = tern.port();
            assertThat(Answers.answer(port, "www.rows.test.", Type.A)).containsExactly("127.0.0.80");
            assertThat(Answers.answer(port, "bad.rows.test.", Type.TXT)).containsExactly("\"the TXT beside it is fine\"");
            assertThat(Answers.rcode(port, "bad.rows.test.", Type.A)).isEqualTo(Rcode.SERVFAIL);
            assertThat(Answers.rcode(port, "mx.rows.test.", Type.MX)).isEqualTo(Rcode.SERVFAIL);
            assertThat(Answers.rcode(port, "odd.rows.test.", Type.A)).isEqualTo(Rcode.SERVFAIL);
            assertThat(Answers.rcode(port, "odd.rows.test.", Type.TXT)).isEqualTo(Rcode.SERVFAIL);
            assertThat(Answers.rcode(port, "nothing.rows.test.", Type.A)).isEqualTo(Rcode.NXDOMAIN);

            // The log names each row once, as a sentence: zone, row id, owner, type, content, what is wrong.
            assertThat(log.list).anyMatch(e -> e.getLevel() == Level.ERROR && e.getFormattedMessage().equals(
                    "[rows.test.] serial 1: records row " + broken.get(0) + " of zone rows.test. (bad.rows.test A"
                            + " 'not-an-address') cannot be read: the content does not parse (invalid address:"
                            + " not-an-address); bad.rows.test. answers SERVFAIL for A"));
            for (long id : broken) {
                assertThat(loggedLines("records row " + id + " of zone rows.test.")).as("row " + id).isEqualTo(1);
            }
            assertThat(log.list).noneMatch(e -> e.getFormattedMessage().contains("Exception")
                    || e.getFormattedMessage().contains("java."));

            // A reload of the same serial does not repeat them.
            assertThat(TernCtlRun.of(tern.server().controlSocket(), "reload", "rows.test").out()).isEqualTo("Ok");
            for (long id : broken) {
                assertThat(loggedLines("records row " + id + " of zone rows.test.")).as("row " + id).isEqualTo(1);
            }

            TernCtlRun status = TernCtlRun.of(tern.server().controlSocket(), "zone-status", "rows.test");
            assertThat(status.code()).isZero();
            assertThat(status.out()).contains("served serial: 1").contains("broken rows: 4 (their names answer"
                    + " SERVFAIL for their types; transfers out are refused)")
                    .contains("records row " + broken.get(1) + " of zone rows.test. (mx.rows.test MX '') cannot be"
                            + " read: the content does not parse (expected a name)")
                    .contains("records row " + broken.get(2) + " of zone rows.test. (odd.rows.test BOGUSTYPE"
                            + " 'whatever') cannot be read: 'BOGUSTYPE' is not a record type Tern knows;"
                            + " odd.rows.test. answers SERVFAIL for every type")
                    .contains("records row " + broken.get(3) + " of zone rows.test. (a..b.rows.test A '127.0.0.9')"
                            + " cannot be read: the owner name does not parse (");

            TernCtlRun check = zoneCommand(tern.server().controlSocket(), database, "check", "rows.test");
            assertThat(check.code()).isEqualTo(1);
            assertThat(check.out()).startsWith("rows.test.: served with problems, serial 1, 5 records, 4 rows that"
                    + " cannot be read");
            for (long id : broken) {
                assertThat(check.out()).contains("  records row " + id + " of zone rows.test. (");
            }

            assertThat(scrape(tern.server().metricsPort()))
                    .containsPattern("(?m)^tern_zone_broken_rows\\{[^}]*zone=\"rows\\.test\\.\"[^}]*} 4\\.0$");

            // No transfer out of a zone served short: the secondary keeps its copy.
            assertThat(axfrRcode(port, "rows.test.")).isEqualTo(Rcode.SERVFAIL);

            // Fixed rows, a new serial: whole again, transferable, and the metric says 0.
            PowerDnsSchemaTest.sqlite3(database, "DELETE FROM records WHERE id IN (" + broken.get(0) + ", "
                    + broken.get(1) + ", " + broken.get(2) + ", " + broken.get(3) + ");"
                    + "UPDATE records SET content = 'ns.rows.test hostmaster.rows.test 2 3600 600 86400 60'"
                    + " WHERE type = 'SOA';");
            assertThat(TernCtlRun.of(tern.server().controlSocket(), "reload").out()).isEqualTo("Ok");
            assertThat(TernCtlRun.of(tern.server().controlSocket(), "zone-status", "rows.test").out())
                    .contains("served serial: 2").contains("broken rows: 0");
            assertThat(axfrRcode(port, "rows.test.")).isEqualTo(Rcode.NOERROR);
            assertThat(Answers.rcode(port, "bad.rows.test.", Type.A)).isEqualTo(Rcode.NOERROR);
            assertThat(zoneCommand(tern.server().controlSocket(), database, "check", "rows.test").code()).isZero();
            assertThat(scrape(tern.server().metricsPort()))
                    .containsPattern("(?m)^tern_zone_broken_rows\\{[^}]*zone=\"rows\\.test\\.\"[^}]*} 0\\.0$");
        }
    }

    @Test
    void aZonePowerDnsWouldSignOnlineIsServedUnsignedAndSaysSo() throws Exception {
        Path database = dir.resolve("pdns.sqlite3");
        PowerDnsServer.createDatabase(database);
        PowerDnsServer.configure(dir, database, List.of());
        Path conf = dir.resolve("pdns.conf");
        Files.writeString(conf, Files.readString(conf).replace("gsqlite3-dnssec=no", "gsqlite3-dnssec=yes"));
        PowerDnsServer.pdnsutil(dir, "create-zone", "signed.test", "ns1.signed.test");
        PowerDnsServer.pdnsutil(dir, "add-record", "signed.test", "ns1", "A", "127.0.0.1");
        PowerDnsServer.pdnsutil(dir, "add-record", "signed.test", "www", "A", "127.0.0.7");
        PowerDnsServer.pdnsutil(dir, "secure-zone", "signed.test");

        try (TernProcess tern = TernProcess.open(dir, database, List.of("sql-poll-interval=0"))) {
            Path socket = tern.server().controlSocket();
            assertThat(Answers.answer(tern.port(), "www.signed.test.", Type.A)).containsExactly("127.0.0.7");
            assertThat(Answers.answer(tern.port(), "signed.test.", Type.DNSKEY)).isEmpty();

            assertThat(log.list).filteredOn(e -> e.getLevel() == Level.ERROR
                    && e.getFormattedMessage().startsWith("[signed.test.] serial ")
                    && e.getFormattedMessage().matches(".* served unsigned: zone signed\\.test\\. has \\d+ active"
                    + " keys? in cryptokeys and no PRESIGNED=1 metadata, .*")).hasSize(1);
            TernCtlRun status = TernCtlRun.of(socket, "zone-status", "signed.test");
            assertThat(status.out()).containsPattern("signing: served unsigned: zone signed.test. has \\d+ active key")
                    .contains("pdnsutil set-presigned").contains("make Tern its secondary");
            TernCtlRun check = zoneCommand(socket, database, "check", "signed.test");
            assertThat(check.code()).isEqualTo(1);
            assertThat(check.out()).contains("served unsigned").contains("no PRESIGNED=1 metadata");

            // Signed elsewhere and marked presigned: nothing left to say.
            PowerDnsServer.pdnsutil(dir, "set-presigned", "signed.test");
            assertThat(TernCtlRun.of(socket, "reload", "signed.test").out()).isEqualTo("Ok");
            assertThat(TernCtlRun.of(socket, "zone-status", "signed.test").out()).doesNotContain("signing:");
            assertThat(zoneCommand(socket, database, "check", "signed.test").code()).isZero();
        }
    }
}
