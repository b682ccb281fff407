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
 * The incident, reproduced: a primary that does not clamp its MSS (NSD with its default tcp-mss 0) behind a tunnel
 * hop with a small MTU that drops ICMP "fragmentation needed". kdig's AXFR stalls; ternd in the secondary's
 * namespace gets the zone (a) with its default MSS 1220, (b) from an unclamped start through the automatic
 * fallback to 1220, (c) over a 1200-byte hop, where 1220 itself is too large, through the fallback to 536.
 */
class PmtuBlackholeTest {
    private static final int RECORDS = 3000;

    @TempDir
    static Path dir;
    private static BlackholeLab lab;
    private static Process nsd;

    @BeforeAll
    static void start() throws Exception {
        String nsdBinary = Peers.require("nsd", "nsd");
        long started = System.nanoTime();
        lab = BlackholeLab.up("tern-pmtu-" + ProcessHandle.current().pid());
        StringBuilder zone = new StringBuilder("$ORIGIN big.test.\n$TTL 300\n@ SOA ns1 hostmaster 1 3600 600 86400"
                + " 60\n@ NS ns1\nns1 A " + BlackholeLab.PRIMARY_V4 + "\n");
        for (int i = 0; i < RECORDS; i++) {
            zone.append("h").append(i).append(" TXT \"host ").append(i).append(" padding padding padding\"\n");
        }
        Files.writeString(dir.resolve("big.test.zone"), zone, StandardCharsets.UTF_8);
        // NSD as the incident's primary: its default tcp-mss 0 leaves the MSS to the kernel (1460 here).
        Files.writeString(dir.resolve("nsd.conf"), String.join("\n",
                "server:",
                "    ip-address: " + BlackholeLab.PRIMARY_V4,
                "    port: 53",
                "    zonesdir: \"" + dir + "\"",
                "    database: \"\"",
                "    pidfile: \"" + dir.resolve("nsd.pid") + "\"",
                "    username: \"\"",
                "    chroot: \"\"",
                "    xfrdfile: \"" + dir.resolve("xfrd.state") + "\"",
                "    zonelistfile: \"" + dir.resolve("zone.list") + "\"",
                "    logfile: \"" + dir.resolve("nsd.log") + "\"",
                "remote-control:",
                "    control-enable: no",
                "zone:",
                "    name: big.test",
                "    zonefile: big.test.zone",
                "    provide-xfr: 198.18.0.0/15 NOKEY",
                ""), StandardCharsets.UTF_8);
        nsd = new ProcessBuilder(lab.inNamespace("primary", nsdBinary, "-d", "-c", dir.resolve("nsd.conf")
                .toString())).redirectErrorStream(true).redirectOutput(dir.resolve("nsd.out").toFile()).start();
        awaitSoa();
        System.out.printf("PMTU lab and NSD up in %.1f s%n", (System.nanoTime() - started) / 1e9);
    }

    private static void awaitSoa() throws Exception {
        String dig = Peers.require("dig", "bind9-dnsutils");
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            Peers.Result soa = Peers.run(10, lab.inNamespace("secondary", dig, "@" + BlackholeLab.PRIMARY_V4,
                    "+short", "+tries=1", "+time=1", "big.test", "SOA").toArray(String[]::new));
            if (soa.output().contains("hostmaster.big.test.")) {
                return;
            }
            Thread.sleep(200);
        }
        fail("NSD did not answer in the lab within 20 s: " + Files.readString(dir.resolve("nsd.out")));
    }

    @AfterAll
    static void stop() throws Exception {
        if (nsd != null) {
            nsd.destroy();
            if (!nsd.waitFor(5, TimeUnit.SECONDS)) {
                nsd.destroyForcibly();
            }
        }
        if (lab != null) {
            lab.close();
        }
    }

    @Test
    void kdigStallsSoTheBlackholeIsReal() throws Exception {
        String kdig = Peers.require("kdig", "knot-dnsutils");
        Peers.Result axfr = Peers.run(30, lab.inNamespace("secondary", kdig, "@" + BlackholeLab.PRIMARY_V4,
                "+timeout=3", "+retry=0", "big.test", "AXFR").toArray(String[]::new));
        assertThat(axfr.output()).doesNotContain("Received " + RECORDS).doesNotContain("records: " + (RECORDS + 4));
        assertThat(axfr.output()).containsPattern("(Received 0 B|timed out|failed)");
    }

    @Test
    void withTheDefaultMssTheTransferGoesThrough() throws Exception {
        String log = transfer("a", List.of());
        assertThat(log).contains("[big.test.] AXFR-in from 198.18.1.2: finished, serial none -> 1,")
                .containsPattern("mss 1220\\n").doesNotContain("stalled").doesNotContain("no data within");
    }

    @Test
    void fromAnUnclampedStartTheFallbackTo1220GetsThrough() throws Exception {
        String log = transfer("b", List.of("--xfr-tcp-mss=0"));
        assertThat(log).contains("suspected path-MTU blackhole; retrying with mss 1220")
                .contains("mss 1220 (auto)");
    }

    @Test
    void overA1200ByteHopTheFallbackReaches536() throws Exception {
        lab.lowerTunnelMtu(1200);
        try {
            String log = transfer("c", List.of());
            assertThat(log).contains("suspected path-MTU blackhole; retrying with mss 536")
                    .contains("mss 536 (auto)");
        } finally {
            lab.lowerTunnelMtu(1280);
        }
    }

    @Test
    void ternctlRetrieveReportsTheAutomaticMss() throws Exception {
        Path database = dir.resolve("d.sqlite3");
        PowerDnsServer.createDatabase(database);
        long tomorrow = java.time.Instant.now().plusSeconds(86_400).getEpochSecond();
        // The zone's first check is planned for tomorrow, so the operator's retrieve is what transfers it.
        Peers.Result setup = Peers.run(10, Peers.require("sqlite3", "sqlite3"), database.toString(),
                "INSERT INTO domains (name, master, type) VALUES ('big.test', '" + BlackholeLab.PRIMARY_V4 + "',"
                        + " 'SLAVE'); CREATE TABLE IF NOT EXISTS tern_zone_state (domain_id INTEGER PRIMARY KEY,"
                        + " last_success INTEGER, expire_at INTEGER, next_refresh INTEGER, failures INTEGER NOT NULL"
                        + " DEFAULT 0, last_primary TEXT, last_result TEXT); INSERT INTO tern_zone_state (domain_id,"
                        + " next_refresh, failures) SELECT id, " + tomorrow + ", 0 FROM domains");
        assertThat(setup.exitCode()).as(setup.output()).isZero();
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = dir.resolve("d.log");
        Process ternd = new ProcessBuilder(lab.inNamespace("secondary", java, "-cp",
                System.getProperty("java.class.path"), "dev.tern.server.Main", "--gsqlite3-database=" + database,
                "--secondary=yes", "--local-address=127.0.0.1", "--local-port=5300", "--socket-dir=" + dir.resolve("d"),
                "--xfr-stall-timeout=2", "--sql-poll-interval=0", "--xfr-tcp-mss=0"))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!Files.readString(log).contains("started") && System.nanoTime() < deadline) {
                assertThat(ternd.isAlive()).as(Files.readString(log)).isTrue();
                Thread.sleep(100);
            }
            // The control socket is a file: ternctl reaches it from outside the namespace.
            java.io.StringWriter out = new java.io.StringWriter();
            java.io.StringWriter err = new java.io.StringWriter();
            int code = dev.tern.server.cli.TernCtlMain.commandLine().setOut(new java.io.PrintWriter(out))
                    .setErr(new java.io.PrintWriter(err)).execute("--socket",
                            dir.resolve("d").resolve("ternd.controlsocket").toString(), "retrieve", "big.test",
                            "--timeout", "60");
            System.out.println("ternctl retrieve: " + out + err);
            assertThat(code).as(err.toString() + Files.readString(log)).isZero();
            assertThat(out.toString()).contains("AXFR-in from 198.18.1.2: finished, serial none -> 1,")
                    .contains("mss 1220 (auto)");
        } finally {
            ternd.destroy();
            if (!ternd.waitFor(10, TimeUnit.SECONDS)) {
                ternd.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** Runs ternd in the secondary namespace until the zone is transferred; returns its log. */
    private static String transfer(String name, List<String> extra) throws Exception {
        Path database = dir.resolve(name + ".sqlite3");
        PowerDnsServer.createDatabase(database);
        Peers.Result insert = Peers.run(10, Peers.require("sqlite3", "sqlite3"), database.toString(),
                "INSERT INTO domains (name, master, type) VALUES ('big.test', '" + BlackholeLab.PRIMARY_V4 + "',"
                        + " 'SLAVE')");
        assertThat(insert.exitCode()).isZero();
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "dev.tern.server.Main", "--gsqlite3-database=" + database, "--secondary=yes",
                "--local-address=127.0.0.1", "--local-port=5300", "--socket-dir=" + dir.resolve(name),
                "--xfr-stall-timeout=2", "--sql-poll-interval=0"));
        command.addAll(extra);
        Path log = dir.resolve(name + ".log");
        long started = System.nanoTime();
        Process ternd = new ProcessBuilder(lab.inNamespace("secondary", command.toArray(String[]::new)))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                String content = Files.readString(log);
                if (content.contains("finished, serial") || content.contains("refresh failed")) {
                    System.out.printf("case %s: %.1f s%n%s", name, (System.nanoTime() - started) / 1e9, content);
                    return content;
                }
                if (!ternd.isAlive()) {
                    fail("ternd exited: " + content);
                }
                Thread.sleep(100);
            }
            return fail("no transfer outcome within 60 s: " + Files.readString(log));
        } finally {
            ternd.destroy();
            if (!ternd.waitFor(10, TimeUnit.SECONDS)) {
                ternd.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
