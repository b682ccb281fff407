package dev.tern.server.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real BIND 9 ({@code named} from Debian's {@code bind9}) on 127.0.0.1 in the foreground. As a primary it serves
 * one zone from a file with {@code ixfr-from-differences}, so that a changed file reloaded with SIGHUP is journaled
 * and answered as IXFR; optionally transfers require a TSIG key, and NOTIFY goes only to one loopback port. As a
 * secondary ({@link #startSecondary}) it transfers one zone from a primary on loopback.
 */
public final class NamedPrimary implements AutoCloseable {
    private final Path dir;
    private final Process process;
    private final int port;
    private final String zone;

    private NamedPrimary(Path dir, Process process, int port, String zone) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.zone = zone;
    }

    /**
     * Starts named on {@code port} serving {@code zone} (no trailing dot).
     *
     * @param tsig null, or {@code algorithm:name:base64secret} required for transfers and used on NOTIFY
     * @param notifyPort NOTIFY goes to 127.0.0.1 on this port only (0: no NOTIFY at all)
     */
    public static NamedPrimary start(Path dir, int port, String zone, String zoneText, String tsig, int notifyPort)
            throws Exception {
        String named = Peers.require("named", "bind9");
        Files.writeString(dir.resolve(zone + ".zone"), zoneText, StandardCharsets.UTF_8);
        StringBuilder conf = new StringBuilder();
        String keyClause = "";
        String transferMatch = "127.0.0.0/8;";
        if (tsig != null) {
            String[] parts = tsig.split(":", 3);
            conf.append("key \"").append(parts[1]).append("\" { algorithm ").append(parts[0])
                    .append("; secret \"").append(parts[2]).append("\"; };\n");
            keyClause = " key \"" + parts[1] + "\"";
            transferMatch = "key \"" + parts[1] + "\";";
        }
        // No rndc channel: it would take port 953 and collide with another named of the suite.
        conf.append("controls { };\n");
        conf.append("options {\n")
                .append("  directory \"").append(dir).append("\";\n")
                .append("  pid-file \"").append(dir.resolve("named.pid")).append("\";\n")
                .append("  session-keyfile \"").append(dir.resolve("session.key")).append("\";\n")
                .append("  listen-on port ").append(port).append(" { 127.0.0.1; };\n")
                .append("  listen-on-v6 { none; };\n")
                .append("  recursion no;\n  dnssec-validation no;\n")
                // Only explicit targets: the zone's NS names are never looked up or notified.
                .append("  notify ").append(notifyPort > 0 ? "explicit" : "no").append(";\n")
                .append("  notify-source 127.0.0.1;\n")
                .append("  ixfr-from-differences yes;\n")
                .append("  allow-transfer { ").append(transferMatch).append(" };\n")
                .append("};\n");
        conf.append("zone \"").append(zone).append("\" {\n  type primary;\n  file \"").append(zone)
                .append(".zone\";\n");
        if (notifyPort > 0) {
            conf.append("  also-notify { 127.0.0.1 port ").append(notifyPort).append(keyClause).append("; };\n");
        }
        conf.append("};\n");
        Path confFile = dir.resolve("named.conf");
        Files.writeString(confFile, conf.toString(), StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(named, "-g", "-4", "-n", "1", "-c", confFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("named.log").toFile()).start();
        NamedPrimary primary = new NamedPrimary(dir, process, port, zone);
        primary.awaitSerial(KnotPrimary.serialOf(zoneText), Duration.ofSeconds(20));
        return primary;
    }

    /**
     * Starts named as a secondary of {@code zone} (no trailing dot), transferring from 127.0.0.1:{@code primaryPort}
     * and accepting its NOTIFY; with {@code tsig} ({@code algorithm:name:base64secret}) transfers are signed.
     */
    public static NamedPrimary startSecondary(Path dir, String zone, int primaryPort, String tsig) throws Exception {
        String named = Peers.require("named", "bind9");
        int port = FreePort.pick();
        StringBuilder conf = new StringBuilder();
        String keyClause = "";
        if (tsig != null) {
            String[] parts = tsig.split(":", 3);
            conf.append("key \"").append(parts[1]).append("\" { algorithm ").append(parts[0])
                    .append("; secret \"").append(parts[2]).append("\"; };\n");
            keyClause = " key \"" + parts[1] + "\"";
        }
        // No rndc channel: it would take port 953 and collide with another named of the suite.
        conf.append("controls { };\n");
        conf.append("options {\n")
                .append("  directory \"").append(dir).append("\";\n")
                .append("  pid-file \"").append(dir.resolve("named.pid")).append("\";\n")
                .append("  session-keyfile \"").append(dir.resolve("session.key")).append("\";\n")
                .append("  listen-on port ").append(port).append(" { 127.0.0.1; };\n")
                .append("  listen-on-v6 { none; };\n")
                .append("  recursion no;\n  dnssec-validation no;\n  notify no;\n")
                .append("  transfer-source 127.0.0.1;\n  query-source address 127.0.0.1;\n")
                .append("};\n");
        conf.append("zone \"").append(zone).append("\" {\n  type secondary;\n  file \"").append(zone)
                .append(".db\";\n  primaries { 127.0.0.1 port ").append(primaryPort).append(keyClause)
                .append("; };\n  allow-notify { 127.0.0.1; };\n};\n");
        Path confFile = dir.resolve("named.conf");
        Files.writeString(confFile, conf.toString(), StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(named, "-g", "-4", "-n", "1", "-c", confFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("named.log").toFile()).start();
        return new NamedPrimary(dir, process, port, zone);
    }

    public int port() {
        return port;
    }

    /** Replaces the zone file and sends named SIGHUP; waits until it serves the new serial. */
    public void update(String zoneText) throws Exception {
        Files.writeString(dir.resolve(zone + ".zone"), zoneText, StandardCharsets.UTF_8);
        Peers.Result hup = Peers.run(10, "kill", "-HUP", Long.toString(process.pid()));
        if (hup.exitCode() != 0) {
            fail("kill -HUP named failed: " + hup.output());
        }
        awaitSerial(KnotPrimary.serialOf(zoneText), Duration.ofSeconds(20));
    }

    /** Polls the SOA over UDP (bounded) until this server serves this serial. */
    public void awaitSerial(long serial, Duration limit) throws Exception {
        Answers.awaitSerial(port, zone + ".", serial, limit, process, "named", this::log);
    }

    public String log() throws IOException {
        Path log = dir.resolve("named.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
