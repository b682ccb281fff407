package dev.tern.server.secondary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferException;
import org.xbill.DNS.ZoneTransferIn;
import dev.tern.server.Main;
import dev.tern.server.store.JdbcZoneStore;
import dev.tern.server.testing.FreePort;
import dev.tern.server.testing.KnotPrimary;
import dev.tern.server.zone.ZoneKind;

/**
 * ternd as its own process, secondary of knotd for a zone of 50,000 records, killed with SIGKILL at several points
 * of a transfer (AXFR and IXFR, at a random moment after it starts and right after it committed) and restarted on
 * the same database: it serves the old serial or the new one, each with exactly its records, never a mix, and its
 * journal matches what it serves, so IXFR-out from the serial before answers incrementally instead of falling back
 * to AXFR.
 */
class KillDuringTransferTest {
    private static final String ZONE = "kill.test";
    private static final Name ORIGIN = Name.fromConstantString(ZONE + ".");
    private static final int HOSTS = 50_000;
    private static final Duration LIMIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    /** Serial k: HOSTS names, one in a hundred with addresses of their own at k, and 100 * k names only k has. */
    static String zone(long serial) {
        StringBuilder text = new StringBuilder(4_000_000).append("$ORIGIN ").append(ZONE).append(".\n$TTL 300\n")
                .append("@ SOA ns1 hostmaster ").append(serial).append(" 3600 600 86400 60\n@ NS ns1\n")
                .append("ns1 A 127.0.0.1\n");
        for (int i = 0; i < HOSTS; i++) {
            text.append('h').append(i).append(" A 10.").append(i % 100 == serial % 100 ? serial % 200 + 1 : 0)
                    .append('.').append(i / 256 % 256).append('.').append(i % 256).append('\n');
        }
        for (int j = 0; j < 100 * serial; j++) {
            text.append('x').append(serial).append('-').append(j).append(" TXT \"only in ").append(serial)
                    .append("\"\n");
        }
        return text.toString();
    }

    /** The records of serial k besides its SOA. */
    static int expectedCount(long serial) {
        return 2 + HOSTS + 100 * (int) serial;
    }

    /** Where in a transfer ternd is killed. */
    private enum Kill { RANDOM, COMMITTED }

    @Test
    void aKilledSecondaryServesTheOldOrTheNewZoneWithAMatchingJournal() throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String why = "seed " + seed;
        int knotPort = FreePort.pick();
        int ternPort = FreePort.pick();
        Path database = dir.resolve("tern.sqlite3");
        try (JdbcZoneStore store = JdbcZoneStore.openSqlite(database, 5000, 3600)) {
            store.createZone(ORIGIN, ZoneKind.SECONDARY, "127.0.0.1:" + knotPort);
        }
        Path config = dir.resolve("tern.conf");
        Files.writeString(config, "local-address=127.0.0.1\nlocal-port=" + ternPort + "\ngsqlite3-database="
                + database + "\nsocket-dir=" + dir + "\nsecondary=yes\nsql-poll-interval=0\nreceiver-threads=1\n"
                + "xfr-tcp-mss=0\nlog-level=debug\n");
        KnotPrimary knot = KnotPrimary.start(Files.createDirectories(dir.resolve("knot-1")), knotPort, ZONE,
                zone(1), null, 0);
        int run = 0;
        Ternd ternd = Ternd.start(config, dir.resolve("ternd-" + ++run + ".log"));
        try {
            // Serial 1 by AXFR into the empty zone, which starts when ternd has started; killed at a random moment.
            ternd.awaitLine("ternd " + dev.tern.server.Version.string() + " started");
            ternd.kill(Kill.RANDOM, 1, random.nextInt(3000));
            ternd = Ternd.start(config, dir.resolve("ternd-" + ++run + ".log"));
            checkAfterRestart(ternd, ternPort, 0, 1, why);

            // Then IXFR (knotd has the difference in its journal) and AXFR (a knotd without a journal answers the
            // IXFR with the whole zone), each killed right after its commit, then either, at a random moment up to
            // a little past the time a commit took: before, during or after the commit.
            long commitMillis = 0;
            for (int serial = 2; serial <= 4; serial++) {
                boolean ixfr = serial == 2 || serial == 4 && random.nextBoolean();
                Kill kill = serial < 4 ? Kill.COMMITTED : Kill.RANDOM;
                if (ixfr) {
                    knot.update(zone(serial));
                } else {
                    knot.close();
                    knot = KnotPrimary.start(Files.createDirectories(dir.resolve("knot-" + serial)), knotPort, ZONE,
                            zone(serial), null, 0);
                }
                long delay = kill == Kill.RANDOM ? random.nextLong(commitMillis * 5 / 4 + 1) : 0;
                String step = why + ", serial " + serial + " by " + (ixfr ? "IXFR" : "AXFR") + ", killed "
                        + (kill == Kill.RANDOM ? delay + " ms after the NOTIFY" : "right after the commit");
                long notified = System.nanoTime();
                notify(ternPort);
                ternd.kill(kill, serial, delay);
                commitMillis = Math.max(commitMillis, (System.nanoTime() - notified) / 1_000_000);
                ternd = Ternd.start(config, dir.resolve("ternd-" + ++run + ".log"));
                checkAfterRestart(ternd, ternPort, serial - 1, serial, step);
                ixfrOut(ternPort, serial - 1, serial, step);
            }
        } finally {
            ternd.close();
            knot.close();
        }
    }

    /**
     * What a restarted ternd serves is the old or the new serial with exactly its records; it then reaches the new
     * serial.
     */
    private static void checkAfterRestart(Ternd ternd, int port, long old, long serial, String step)
            throws Exception {
        long[] served = awaitAxfr(ternd, port, step);
        // Which side of the commit the kill fell on, for whoever reads the test's output.
        System.out.println(step + ": after the restart, serial " + served[0] + " with " + served[1] + " records");
        assertThat(served[0]).as(step + ": serial served after the restart").isIn(old, serial);
        assertThat(served[1]).as(step + ": records of serial " + served[0] + " served after the restart")
                .isEqualTo(expectedCount(served[0]));
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (served[0] != serial && servedSerial(port) != serial) {
            if (System.nanoTime() > deadline) {
                fail(step + ": ternd did not reach serial " + serial + " after the restart: " + ternd.log());
            }
            ternd.assertAlive(step);
            // The NOTIFY may have been lost with the process, or come before the zone's events were set up.
            notify(port);
            Thread.sleep(300);
        }
        if (served[0] != serial) {
            served = awaitAxfr(ternd, port, step);
            assertThat(served[0]).as(step).isEqualTo(serial);
            assertThat(served[1]).as(step + ": records of serial " + serial).isEqualTo(expectedCount(serial));
        }
    }

    /** The serial ternd answers for the zone's SOA, or -1. */
    private static long servedSerial(int port) throws Exception {
        SimpleResolver resolver = new SimpleResolver("127.0.0.1");
        resolver.setPort(port);
        resolver.setTimeout(Duration.ofMillis(500));
        try {
            List<Record> answer = resolver.send(Message.newQuery(Record.newRecord(ORIGIN, Type.SOA, DClass.IN)))
                    .getSection(org.xbill.DNS.Section.ANSWER);
            return !answer.isEmpty() && answer.get(0) instanceof SOARecord soa ? soa.getSerial() : -1;
        } catch (java.io.IOException e) {
            return -1;
        }
    }

    /** An AXFR from ternd, retried (bounded) until it serves the zone: {serial, records besides the SOA}. */
    private static long[] awaitAxfr(Ternd ternd, int port, String step) throws Exception {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            ternd.assertAlive(step);
            ZoneTransferIn axfr = ZoneTransferIn.newAXFR(ORIGIN, "127.0.0.1", port, null);
            axfr.setTimeout(Duration.ofSeconds(20));
            try {
                axfr.run();
                List<Record> records = axfr.getAXFR();
                long serial = ((SOARecord) records.get(0)).getSerial();
                return new long[] {serial, records.stream().filter(r -> r.getType() != Type.SOA).count()};
            } catch (ZoneTransferException | java.io.IOException e) {
                // Not loaded yet (SERVFAIL for a secondary zone without data), or not listening yet.
                last = e.toString();
            }
            Thread.sleep(200);
        }
        fail(step + ": no AXFR from ternd within " + LIMIT + " (" + last + "): " + ternd.log());
        return null;
    }

    /** IXFR-out from the serial before answers with the journaled change, whose size fits the two versions. */
    private static void ixfrOut(int port, long from, long to, String step) throws Exception {
        ZoneTransferIn ixfr = ZoneTransferIn.newIXFR(ORIGIN, from, false, "127.0.0.1", port, null);
        ixfr.setTimeout(Duration.ofSeconds(20));
        ixfr.run();
        assertThat(ixfr.isIXFR()).as(step + ": IXFR-out from serial " + from + " answered incrementally (not AXFR)")
                .isTrue();
        List<ZoneTransferIn.Delta> deltas = ixfr.getIXFR();
        assertThat(deltas.get(0).start).as(step).isEqualTo(from);
        assertThat(deltas.get(deltas.size() - 1).end).as(step).isEqualTo(to);
        long growth = 0;
        for (ZoneTransferIn.Delta delta : deltas) {
            // Each list starts with its SOA.
            growth += (delta.adds.size() - 1) - (delta.deletes.size() - 1);
        }
        assertThat(growth).as(step + ": records added minus removed by the IXFR")
                .isEqualTo(expectedCount(to) - expectedCount(from));
    }

    /** A NOTIFY from 127.0.0.1, the primary's address: ternd refreshes at once. */
    private static void notify(int port) throws Exception {
        Message notify = Message.newQuery(Record.newRecord(ORIGIN, Type.SOA, DClass.IN));
        notify.getHeader().setOpcode(Opcode.NOTIFY);
        notify.getHeader().unsetFlag(Flags.RD);
        notify.getHeader().setFlag(Flags.AA);
        SimpleResolver resolver = new SimpleResolver("127.0.0.1");
        resolver.setPort(port);
        resolver.setTimeout(Duration.ofSeconds(1));
        try {
            resolver.send(notify);
        } catch (java.io.IOException e) {
            // Not listening yet, or busy: the caller notifies again.
        }
    }

    /** A ternd JVM of its own, logging to a file. */
    private static final class Ternd implements AutoCloseable {
        private final Process process;
        private final Path log;

        private Ternd(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        static Ternd start(Path config, Path log) throws Exception {
            // Light on a shared machine: one GC thread, no C2 compiler threads.
            Process process = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    Main.class.getName(), "--config=" + config).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            return new Ternd(process, log);
        }

        /**
         * SIGKILL ({@link Process#destroyForcibly()} on Linux): {@code delayMillis} from now, or as soon as the log
         * says serial {@code serial} committed (polled, so it dies within milliseconds of the commit).
         */
        void kill(Kill when, long serial, long delayMillis) throws Exception {
            if (when == Kill.RANDOM) {
                Thread.sleep(delayMillis);
            } else {
                awaitLine("serial " + serial + " committed with its journal entry and state");
            }
            process.destroyForcibly();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                fail("ternd did not die of SIGKILL within 10 s");
            }
        }

        void awaitLine(String text) throws Exception {
            long deadline = System.nanoTime() + LIMIT.toNanos();
            long offset = 0;
            StringBuilder tail = new StringBuilder();
            while (System.nanoTime() < deadline) {
                try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
                    if (file.length() > offset) {
                        byte[] bytes = new byte[(int) (file.length() - offset)];
                        file.seek(offset);
                        file.readFully(bytes);
                        offset += bytes.length;
                        tail.append(new String(bytes, StandardCharsets.UTF_8));
                        if (tail.indexOf(text) >= 0) {
                            return;
                        }
                        tail.delete(0, Math.max(0, tail.length() - text.length() - 200));
                    }
                }
                assertAlive("waiting for '" + text + "'");
                Thread.sleep(5);
            }
            fail("ternd did not log '" + text + "' within " + LIMIT + ": " + log());
        }

        void assertAlive(String step) throws Exception {
            if (!process.isAlive()) {
                fail(step + ": ternd exited: " + log());
            }
        }

        String log() throws Exception {
            String text = Files.exists(log) ? Files.readString(log) : "";
            return text.length() > 6000 ? "..." + text.substring(text.length() - 6000) : text;
        }

        @Override
        public void close() throws Exception {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
