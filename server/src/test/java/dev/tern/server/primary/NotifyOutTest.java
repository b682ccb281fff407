package dev.tern.server.primary;

import static dev.tern.server.primary.TransferOutTest.editInSql;
import static dev.tern.server.primary.TransferOutTest.sql;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Type;
import dev.tern.server.testing.Answers;
import dev.tern.server.testing.KnotSecondary;
import dev.tern.server.testing.TernCtlRun;
import dev.tern.server.testing.TernProcess;

/**
 * NOTIFY out of a Tern primary: a real knotd secondary hears of every change made in SQL, transfers it by IXFR with
 * TSIG and serves the new serial; a target that never answers is given up after the configured tries.
 */
class NotifyOutTest {
    private static final String ORIGIN = "xfr.test.";
    private static final String SECRET = "bm90aWZ5LW91dC1zZWNyZXQtbm90aWZ5LW91dC1zZWNyZXQ=";
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        ((Logger) LoggerFactory.getLogger("dev.tern.server.events")).addAppender(log);
        log.start();
    }

    @AfterEach
    void releaseLog() {
        ((Logger) LoggerFactory.getLogger("dev.tern.server.events")).detachAppender(log);
    }

    @Test
    void knotFollowsEverySqlEditThroughNotifyAndIxfrWithTsig(@TempDir Path dir) throws Exception {
        try (TernProcess tern = TernProcess.start(dir, List.of("primary=yes"), ORIGIN,
                TransferOutTest.zone(1, 200))) {
            primaryWithKey(tern);
            Path knotDir = Files.createDirectories(dir.resolve("knot"));
            try (KnotSecondary knot = KnotSecondary.start(knotDir, "xfr.test", tern.port(),
                    "hmac-sha256:notify-key:" + SECRET)) {
                knot.awaitSerial(1, Duration.ofSeconds(20));
                sql(tern.database(), "INSERT INTO domainmetadata (domain_id, kind, content) SELECT id, 'ALSO-NOTIFY',"
                        + " '127.0.0.1:" + knot.port() + "' FROM domains");
                tern.server().syncNow();

                editInSql(tern, 2, "INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth)"
                        + " SELECT id, 'new.xfr.test', 'A', '127.0.0.7', 300, 0, 0, 1 FROM domains");
                knot.awaitSerial(2, Duration.ofSeconds(20));
                editInSql(tern, 3, "UPDATE records SET content = '127.0.0.8' WHERE name = 'new.xfr.test'");
                knot.awaitSerial(3, Duration.ofSeconds(20));
                editInSql(tern, 4, "DELETE FROM records WHERE name = 'h7.xfr.test'");
                knot.awaitSerial(4, Duration.ofSeconds(20));
                // A change made with ternctl: the zone file back as it was, with serial 5.
                Path file = dir.resolve("xfr.test.zone");
                Files.writeString(file, TransferOutTest.zone(5, 200));
                java.io.StringWriter out = new java.io.StringWriter();
                int code = dev.tern.server.cli.TernCtlMain.commandLine().setOut(new java.io.PrintWriter(out))
                        .execute("--socket", tern.server().controlSocket().toString(), "zone", "--database",
                                tern.database().toString(), "load", "xfr.test", file.toString());
                assertThat(code).as(out.toString()).isZero();
                knot.awaitSerial(5, Duration.ofSeconds(20));

                for (String name : List.of("xfr.test.", "new.xfr.test.", "h7.xfr.test.", "h8.xfr.test.")) {
                    for (int type : new int[] {Type.SOA, Type.A, Type.TXT, Type.NS}) {
                        assertThat(Answers.answer(knot.port(), name, type))
                                .as(name + " " + Type.string(type))
                                .containsExactlyInAnyOrderElementsOf(Answers.answer(tern.port(), name,
                                        type));
                    }
                }
                // ternctl notify waits for the answer and says who acknowledged; pdns_control's notify queues.
                TernCtlRun run = TernCtlRun.of(tern.server().controlSocket(), "notify", "xfr.test");
                assertThat(run.code()).as(run.err()).isZero();
                assertThat(run.out()).isEqualTo("127.0.0.1:" + knot.port() + " acknowledged");
                TernCtlRun queued = TernCtlRun.of(tern.server().controlSocket(), "notify", "--no-wait", "xfr.test");
                assertThat(queued.out()).isEqualTo("Added to queue");
                TernCtlRun nativeZone = TernCtlRun.of(tern.server().controlSocket(), "notify", "nosuch.test");
                assertThat(nativeZone.code()).isEqualTo(5);
                assertThat(nativeZone.err()).contains("zone nosuch.test. is not served");
                // knotd says how each change came: the first by AXFR, the three edits by IXFR.
                String knotLog = knot.log();
                assertThat(knotLog.split("IXFR, incoming").length - 1).as(knotLog).isGreaterThanOrEqualTo(4);
                assertThat(knotLog).doesNotContain("fallback to AXFR");
            }
        }
        assertThat(List.copyOf(log.list)).anyMatch(e -> e.getFormattedMessage().matches(
                "\\[xfr.test.] NOTIFY-out to 127.0.0.1:\\d+: acknowledged, serial 5 \\(1 tries\\)"));
    }

    @Test
    void aSecondaryThatRejectsOurSignatureIsNamedWithItsTsigError(@TempDir Path dir) throws Exception {
        try (TernProcess tern = TernProcess.start(dir, List.of("primary=yes"), ORIGIN, TransferOutTest.zone(1, 5))) {
            primaryWithKey(tern);
            Path knotDir = Files.createDirectories(dir.resolve("knot"));
            // knotd has a key of the same name with another secret.
            try (KnotSecondary knot = KnotSecondary.start(knotDir, "xfr.test", tern.port(),
                    "hmac-sha256:notify-key:c29tZXRoaW5nLWVsc2UtZW50aXJlbHktc29tZXRoaW5n")) {
                sql(tern.database(), "INSERT INTO domainmetadata (domain_id, kind, content) SELECT id, 'ALSO-NOTIFY',"
                        + " '127.0.0.1:" + knot.port() + "' FROM domains");
                tern.server().syncNow();
                TernCtlRun run = TernCtlRun.of(tern.server().controlSocket(), "notify", "xfr.test");
                assertThat(run.code()).as(run.out() + run.err()).isEqualTo(1);
                assertThat(run.out() + run.err()).contains("127.0.0.1:" + knot.port(), "NOTAUTH, the secondary"
                        + " rejected our signature, BADSIG: the key's name and algorithm match but its secret does not");
            }
        }
        assertThat(List.copyOf(log.list)).anyMatch(e -> e.getFormattedMessage().matches("\\[xfr.test.] NOTIFY-out to"
                + " 127.0.0.1:\\d+: answered NOTAUTH, the secondary rejected our signature, BADSIG: .*, serial 1"));
    }

    /** Makes the zone a primary (MASTER) one that signs its NOTIFY and transfers with notify-key. */
    private static void primaryWithKey(TernProcess tern) throws Exception {
        sql(tern.database(), "UPDATE domains SET type = 'MASTER'",
                "INSERT INTO tsigkeys (name, algorithm, secret) VALUES ('notify-key', 'hmac-sha256', '" + SECRET
                        + "')", "INSERT INTO domainmetadata (domain_id, kind, content) SELECT id, 'TSIG-ALLOW-AXFR',"
                        + " 'notify-key' FROM domains");
        tern.server().syncNow();
    }

    @Test
    void givesUpOnASecondaryThatNeverAnswersAfterTheConfiguredTries(@TempDir Path dir) throws Exception {
        try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getLoopbackAddress());
             TernProcess tern = TernProcess.start(dir, List.of("primary=yes", "notify-tries=2",
                     "also-notify=127.0.0.1:" + silent.getLocalPort()), ORIGIN, TransferOutTest.zone(1, 5))) {
            sql(tern.database(), "UPDATE domains SET type = 'MASTER'");
            tern.server().syncNow();
            editInSql(tern, 2, "DELETE FROM records WHERE name = 'h1.xfr.test'");
            String expected = "[xfr.test.] NOTIFY-out to 127.0.0.1:" + silent.getLocalPort()
                    + ": given up after 2 tries, serial 2";
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            boolean seen = false;
            while (!seen && System.nanoTime() < deadline) {
                Thread.sleep(200);
                try {
                    seen = List.copyOf(log.list).stream().anyMatch(e -> e.getFormattedMessage().equals(expected));
                } catch (java.util.ConcurrentModificationException e) {
                    // an appender thread added an event while we copied; look again
                }
            }
            assertThat(seen).as("log line: " + expected).isTrue();
            assertThat(tern.server().metrics().registry().counter("tern.notify.out", "result", "given-up").count())
                    .isEqualTo(1);
        }
    }
}
