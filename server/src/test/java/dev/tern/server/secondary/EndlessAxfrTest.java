package dev.tern.server.secondary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import dev.tern.server.Main;
import dev.tern.server.store.DomainRow;
import dev.tern.server.store.JdbcZoneStore;
import dev.tern.server.testing.PackagedTernd;
import dev.tern.server.testing.ScriptedPrimary;
import dev.tern.server.testing.TestZones;
import dev.tern.server.zone.ZoneKind;

/**
 * A primary that answers AXFR with messages of records for ever, never the final SOA, against a ternd running as
 * its own process with the packaged JVM options and a 256 MiB heap, and {@code xfr-max-received-mbytes=150}: above
 * the 89 MB at which ternd used to die of OutOfMemoryError when it collected the whole transfer in memory. ternd
 * streams the records to SQLite in batches, aborts the transfer at the limit with a log line naming it, rolls back,
 * stays up, keeps serving the old zone over UDP, and its resident memory stays bounded.
 *
 * <p>Measured with this test on a 2-core machine shared with other builds, 2026-12-02: 150 MiB (about 1.3 million
 * TXT records of 100 bytes) received and written in 38 s, RSS 112 MB at start and at most 262 MB during the
 * transfer (G1 lets the heap grow towards -Xmx under this allocation rate, whatever the live set), 139 UDP probes
 * answered during it. The same test against the code before streaming: ternd exited with OutOfMemoryError after
 * about 110 MB had been sent, at 360 MB RSS. The RSS bound asserted is generous: under 400 MB.
 */
class EndlessAxfrTest {
    private static final Name ORIGIN = Name.fromConstantString("endless.test.");
    private static final long RSS_BOUND_KB = 400 * 1024;
    private static final Duration LIMIT = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    @Test
    void anEndlessAxfrIsAbortedAtTheSizeLimitWithBoundedMemoryAndTheOldZoneServed() throws Exception {
        try (ScriptedPrimary primary = ScriptedPrimary.start(ORIGIN.toString(),
                "@ 300 SOA ns hm 2 3600 600 86400 60\n@ 300 NS ns\nns 300 A 127.0.0.1\n")) {
            primary.behave(ScriptedPrimary.Behaviour.ENDLESS);
            Path database = dir.resolve("tern.sqlite3");
            try (JdbcZoneStore store = JdbcZoneStore.openSqlite(database, 5000, 3600)) {
                DomainRow row = store.createZone(ORIGIN, ZoneKind.SECONDARY, "127.0.0.1:" + primary.port());
                store.replaceRecords(row, TestZones.records(ORIGIN.toString(),
                        "@ SOA ns hm 1 3600 600 86400 60\n@ NS ns\nns A 127.0.0.1\n"));
            }
            Path config = dir.resolve("tern.conf");
            Files.writeString(config, "local-address=127.0.0.1\nlocal-port=0\ngsqlite3-database=" + database
                    + "\nsocket-dir=" + dir + "\nsecondary=yes\nsql-poll-interval=0\nreceiver-threads=1\n"
                    + "xfr-tcp-mss=0\nxfr-max-received-mbytes=150\nxfr-deadline=120\n");
            List<String> command = new ArrayList<>();
            command.add(ProcessHandle.current().info().command().orElse("java"));
            command.addAll(PackagedTernd.jvmOptions());
            command.add("-Xmx256m");
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName(),
                    "--config=" + config));
            Path log = dir.resolve("ternd.log");
            Process ternd = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            try {
                long started = System.nanoTime();
                long maxRssKb = 0;
                long rssAtStart = 0;
                int probes = 0;
                long deadline = started + LIMIT.toNanos();
                int port = -1;
                while (!Files.readString(log).contains("xfr-max-received-mbytes=150")) {
                    if (System.nanoTime() > deadline) {
                        fail("no abort at the limit within " + LIMIT.toSeconds() + " s, " + primary.endlessBytesSent()
                                + " bytes sent: " + tail(log));
                    }
                    if (!ternd.isAlive()) {
                        fail("ternd exited after " + primary.endlessBytesSent() + " bytes sent (max RSS " + (maxRssKb >> 10)
                                + " MB): " + tail(log));
                    }
                    long rss = PackagedTernd.rssKb(ternd.pid());
                    maxRssKb = Math.max(maxRssKb, rss);
                    if (port < 0) {
                        port = PackagedTernd.port(log);
                        rssAtStart = rss;
                    } else if (primary.endlessBytesSent() > 0 && servedSerial(port) == 1) {
                        // The old zone keeps being answered over UDP while the transfer runs.
                        probes++;
                    }
                    Thread.sleep(250);
                }
                String line = Files.readAllLines(log).stream().filter(l -> l.contains("xfr-max-received-mbytes=150"))
                        .findFirst().orElseThrow();
                String report = String.format("endless AXFR: %d MiB sent by the primary in %.1f s; ternd RSS %d MB"
                                + " at start, max %d MB during the transfer; %d UDP probes answered during it",
                        primary.endlessBytesSent() >> 20, (System.nanoTime() - started) / 1e9, rssAtStart >> 10,
                        maxRssKb >> 10, probes);
                System.out.println(report);
                System.out.println(line);

                assertThat(line).as(report).contains("AXFR from").contains("received").contains("bytes")
                        .contains("transfer aborted");
                assertThat(ternd.isAlive()).as(report + "\n" + tail(log)).isTrue();
                assertThat(maxRssKb).as(report).isLessThan(RSS_BOUND_KB);
                assertThat(servedSerial(port)).as(report).isEqualTo(1);
                // ternd writes the zone's retry state after the rollback; then it holds no lock.
                awaitWriteLock(database);
                try (JdbcZoneStore store = JdbcZoneStore.openSqlite(database, 5000, 3600)) {
                    DomainRow row = store.domains().stream().filter(d -> d.name().equals(ORIGIN)).findFirst()
                            .orElseThrow();
                    // Rolled back: the stored zone is the old one, three records and nothing of the transfer.
                    assertThat(store.load(row).serial()).isEqualTo(1);
                    int[] count = {0};
                    store.load(row).forEachRecord(r -> count[0]++);
                    assertThat(count[0]).isEqualTo(3);
                }
            } finally {
                ternd.destroyForcibly();
                ternd.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /** Waits (at most 30 s) until a write transaction can start on the database: no transaction left open. */
    private static void awaitWriteLock(Path database) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try (java.sql.Connection connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + database);
                 java.sql.Statement statement = connection.createStatement()) {
                statement.execute("PRAGMA busy_timeout=200");
                statement.execute("BEGIN IMMEDIATE");
                statement.execute("ROLLBACK");
                return;
            } catch (java.sql.SQLException e) {
                if (System.nanoTime() > deadline) {
                    fail("the database stayed locked for 30 s after the transfer was aborted: " + e);
                }
            }
        }
    }

    /** The serial ternd answers over UDP for the zone's SOA, or -1. */
    private static long servedSerial(int port) throws Exception {
        SimpleResolver resolver = new SimpleResolver("127.0.0.1");
        resolver.setPort(port);
        resolver.setTimeout(Duration.ofSeconds(2));
        try {
            List<Record> answer = resolver.send(Message.newQuery(Record.newRecord(ORIGIN, Type.SOA, DClass.IN)))
                    .getSection(Section.ANSWER);
            return !answer.isEmpty() && answer.get(0) instanceof SOARecord soa ? soa.getSerial() : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    private static String tail(Path log) throws IOException {
        String text = Files.readString(log);
        return text.substring(Math.max(0, text.length() - 4000));
    }
}
