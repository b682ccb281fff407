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
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real Knot DNS primary ({@code knotd} from Debian's {@code knot}) on 127.0.0.1, serving one zone from a file,
 * with a journal so it answers IXFR with the differences, and optionally a TSIG key required for transfers.
 */
public final class KnotPrimary implements AutoCloseable {
    private final Path dir;
    private final Process process;
    private final int port;
    private final String zone;

    private KnotPrimary(Path dir, Process process, int port, String zone) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.zone = zone;
    }

    /**
     * Starts knotd serving {@code zone} (no trailing dot) from {@code zoneText}.
     *
     * @param tsig null, or {@code algorithm:name:base64secret} required for transfers
     */
    public static KnotPrimary start(Path dir, String zone, String zoneText, String tsig) throws Exception {
        return start(dir, FreePort.pick(), zone, zoneText, tsig, 0);
    }

    /**
     * Starts knotd on {@code port}; with {@code notifyPort} > 0 it sends NOTIFY to 127.0.0.1 on that port after each
     * change (signed with the key when there is one).
     */
    public static KnotPrimary start(Path dir, int port, String zone, String zoneText, String tsig, int notifyPort)
            throws Exception {
        String knotd = Peers.require("knotd", "knot");
        Peers.require("knotc", "knot");
        Files.writeString(dir.resolve(zone + ".zone"), zoneText, StandardCharsets.UTF_8);
        StringBuilder conf = new StringBuilder();
        conf.append("server:\n  rundir: \"").append(dir).append("\"\n  listen: 127.0.0.1@").append(port)
                .append("\n  background-workers: 1\n  udp-workers: 1\n  tcp-workers: 1\n");
        conf.append("log:\n  - target: stderr\n    any: info\n");
        conf.append("database:\n  storage: \"").append(dir).append("\"\n");
        String keyRef = "";
        if (tsig != null) {
            String[] parts = tsig.split(":", 3);
            conf.append("key:\n  - id: ").append(parts[1]).append("\n    algorithm: ").append(parts[0])
                    .append("\n    secret: ").append(parts[2]).append("\n");
            keyRef = "\n    key: " + parts[1];
        }
        conf.append("acl:\n  - id: xfr\n    address: 127.0.0.0/8\n    action: transfer").append(keyRef)
                .append("\n");
        if (notifyPort > 0) {
            conf.append("remote:\n  - id: secondary\n    address: 127.0.0.1@").append(notifyPort)
                    .append(keyRef).append("\n");
        }
        conf.append("template:\n  - id: default\n    storage: \"").append(dir).append("\"\n")
                .append("    zonefile-sync: -1\n    zonefile-load: difference\n    journal-content: changes\n")
                .append("    semantic-checks: off\n");
        conf.append("zone:\n  - domain: ").append(zone).append("\n    file: ").append(zone).append(".zone\n")
                .append("    acl: xfr\n").append(notifyPort > 0 ? "    notify: secondary\n" : "");
        Path confFile = dir.resolve("knot.conf");
        Files.writeString(confFile, conf.toString(), StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(knotd, "-c", confFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("knotd.log").toFile()).start();
        KnotPrimary primary = new KnotPrimary(dir, process, port, zone);
        try {
            primary.awaitSerial(serialOf(zoneText), Duration.ofSeconds(15));
        } catch (Throwable e) {
            // The caller gets no KnotPrimary to close: stop knotd here.
            primary.close();
            throw e;
        }
        return primary;
    }

    public int port() {
        return port;
    }

    /** Replaces the zone file and tells knotd to reload it; waits until it serves the new serial. */
    public void update(String zoneText) throws Exception {
        Files.writeString(dir.resolve(zone + ".zone"), zoneText, StandardCharsets.UTF_8);
        Peers.Result reload = Peers.run(20, Peers.require("knotc", "knot"), "-c",
                dir.resolve("knot.conf").toString(), "zone-reload", zone);
        if (reload.exitCode() != 0) {
            fail("knotc zone-reload failed: " + reload.output());
        }
        awaitSerial(serialOf(zoneText), Duration.ofSeconds(15));
    }

    /** Polls the SOA over UDP (bounded) until this server serves this serial. */
    public void awaitSerial(long serial, Duration limit) throws Exception {
        Answers.awaitSerial(port, zone + ".", serial, limit, process, "knotd", this::log);
    }

    public String log() throws IOException {
        Path log = dir.resolve("knotd.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    static long serialOf(String zoneText) {
        // The MNAME is a name, not a number, so "RRSIG SOA 13 2 300" in a signed file does not match; a signed
        // file also puts the serial after a parenthesis.
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("SOA\\s+[^\\s\\d]\\S*\\s+\\S+\\s+\\(?\\s*(\\d+)")
                .matcher(zoneText);
        if (!m.find()) {
            throw new IllegalArgumentException("zone text without an SOA serial");
        }
        return Long.parseLong(m.group(1));
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
