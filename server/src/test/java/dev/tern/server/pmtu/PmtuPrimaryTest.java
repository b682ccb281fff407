package dev.tern.server.pmtu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.tern.server.testing.Peers;
import dev.tern.server.testing.PowerDnsServer;

/**
 * Tern as the primary behind the PMTUD blackhole: with the listeners' default {@code tcp-mss} 1220 an unclamped
 * client ({@code kdig}) and a {@code pdns_server} secondary get the whole zone; with {@code tcp-mss=0} the same
 * kdig transfer stalls, and ternd's log names the stalled transfer-out with what TCP_INFO saw.
 */
class PmtuPrimaryTest {
    private static final int RECORDS = 10_000;

    @TempDir
    static Path dir;
    private static BlackholeLab lab;

    @BeforeAll
    static void start() throws Exception {
        lab = BlackholeLab.up("tern-pmtp-" + ProcessHandle.current().pid());
        StringBuilder zone = new StringBuilder("$ORIGIN big.test.\n$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400"
                + " 60\n@ NS ns1\nns1 A " + BlackholeLab.PRIMARY_V4 + "\n");
        for (int i = 0; i < RECORDS; i++) {
            zone.append("h").append(i).append(" TXT \"host ").append(i).append(" padding padding padding\"\n");
        }
        Files.writeString(dir.resolve("big.test.zone"), zone, StandardCharsets.UTF_8);
        Path database = dir.resolve("primary.sqlite3");
        PowerDnsServer.createDatabase(database);
        PowerDnsServer.configure(dir, database, List.of());
        PowerDnsServer.pdnsutil(dir, "load-zone", "big.test", dir.resolve("big.test.zone").toString());
    }

    @AfterAll
    static void stop() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void withTheDefaultTcpMssKdigAndPowerDnsGetTheWholeZone() throws Exception {
        Process ternd = ternd("default", List.of());
        try {
            Peers.Result axfr = kdigAxfr();
            assertThat(axfr.output()).contains("Received").containsPattern("\\(\\d+ messages, " + (RECORDS + 4)
                    + " records\\)");

            Path pdnsDir = Files.createDirectories(dir.resolve("pdns"));
            Path pdnsDatabase = pdnsDir.resolve("secondary.sqlite3");
            PowerDnsServer.createDatabase(pdnsDatabase);
            PowerDnsServer.configure(pdnsDir, pdnsDatabase, List.of("secondary=yes", "xfr-cycle-interval=1"));
            PowerDnsServer.pdnsutil(pdnsDir, "create-secondary-zone", "big.test", BlackholeLab.PRIMARY_V4);
            Process pdns = new ProcessBuilder(lab.inNamespace("secondary", Peers.require("pdns_server",
                    "pdns-server"), "--config-dir=" + pdnsDir, "--local-port=5301"))
                    .redirectErrorStream(true).redirectOutput(pdnsDir.resolve("pdns.log").toFile()).start();
            try {
                awaitRecords(pdnsDatabase, RECORDS + 3, pdnsDir.resolve("pdns.log"));
            } finally {
                pdns.destroy();
                pdns.waitFor(10, TimeUnit.SECONDS);
            }
        } finally {
            stop(ternd);
        }
        String log = Files.readString(dir.resolve("default.log"));
        System.out.println("tcp-mss 1220: " + log.lines().filter(line -> line.contains("AXFR-out")).toList());
        assertThat(log).contains("AXFR-out to " + BlackholeLab.SECONDARY_V4)
                .contains("finished, serial 1");
    }

    @Test
    void withTcpMssZeroKdigStallsAndTheLogSaysWhatTcpInfoSaw() throws Exception {
        Process ternd = ternd("unclamped", List.of("--tcp-mss=0", "--xfr-out-write-timeout=3"));
        String log;
        try {
            Peers.Result axfr = kdigAxfr();
            assertThat(axfr.output()).doesNotContainPattern("\\(\\d+ messages, " + (RECORDS + 4) + " records\\)");
            log = awaitLog(dir.resolve("unclamped.log"), "abandoned");
        } finally {
            stop(ternd);
        }
        System.out.println("tcp-mss=0: " + log.lines().filter(line -> line.contains("AXFR-out")).toList());
        assertThat(log).containsPattern("\\[big.test.] AXFR-out to " + BlackholeLab.SECONDARY_V4.replace(".", "\\.")
                + ":\\d+: abandoned after \\d+ messages .*no progress for 3 s \\(xfr-out-write-timeout\\).*tcp_info snd_mss \\d+,"
                + " pmtu \\d+, retransmits [1-9]");
    }

    private static Peers.Result kdigAxfr() throws Exception {
        String kdig = Peers.require("kdig", "knot-dnsutils");
        return Peers.run(40, lab.inNamespace("secondary", kdig, "@" + BlackholeLab.PRIMARY_V4, "+timeout=8",
                "+retry=0", "AXFR", "big.test").toArray(String[]::new));
    }

    /** Starts ternd in the primary namespace on the lab address; waits (bounded) for its listeners. */
    private static Process ternd(String name, List<String> extra) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.tern.server.Main", "--gsqlite3-database=" + dir.resolve("primary.sqlite3"),
                "--local-address=" + BlackholeLab.PRIMARY_V4, "--local-port=53",
                "--socket-dir=" + dir.resolve(name), "--allow-axfr-ips=198.18.0.0/15", "--sql-poll-interval=0"));
        command.addAll(extra);
        Process ternd = new ProcessBuilder(lab.inNamespace("primary", command.toArray(String[]::new)))
                .redirectErrorStream(true).redirectOutput(dir.resolve(name + ".log").toFile()).start();
        awaitLog(dir.resolve(name + ".log"), "started");
        return ternd;
    }

    private static String awaitLog(Path log, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            String content = Files.exists(log) ? Files.readString(log) : "";
            if (content.contains(text)) {
                return content;
            }
            Thread.sleep(100);
        }
        return fail("'" + text + "' not in the log within 30 s: " + (Files.exists(log) ? Files.readString(log) : ""));
    }

    private static void awaitRecords(Path database, int records, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        String last = "";
        while (System.nanoTime() < deadline) {
            Peers.Result count = Peers.run(10, Peers.require("sqlite3", "sqlite3"), database.toString(),
                    "SELECT count(*) FROM records WHERE type IS NOT NULL");
            last = count.output().trim();
            if (last.equals(Integer.toString(records))) {
                return;
            }
            Thread.sleep(250);
        }
        fail("pdns_server did not store " + records + " records within 40 s (last count " + last + "): "
                + Files.readString(log));
    }

    private static void stop(Process process) throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
