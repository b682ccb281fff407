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
 * A real Knot DNS secondary ({@code knotd}) on 127.0.0.1 that transfers one zone from a primary on loopback,
 * accepts its NOTIFY, and keeps a journal so that it asks for IXFR. Optionally with a TSIG key for both.
 */
public final class KnotSecondary implements AutoCloseable {
    private final Path dir;
    private final Process process;
    private final int port;
    private final String zone;

    private KnotSecondary(Path dir, Process process, int port, String zone) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.zone = zone;
    }

    /**
     * @param zone without the final dot
     * @param tsig null, or {@code algorithm:name:base64secret} for transfers and NOTIFY
     */
    public static KnotSecondary start(Path dir, String zone, int primaryPort, String tsig) throws Exception {
        String knotd = Peers.require("knotd", "knot");
        int port = FreePort.pick();
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
        conf.append("remote:\n  - id: primary\n    address: 127.0.0.1@").append(primaryPort).append(keyRef)
                .append("\n");
        conf.append("acl:\n  - id: notify\n    address: 127.0.0.0/8\n    action: notify").append(keyRef).append("\n");
        conf.append("template:\n  - id: default\n    storage: \"").append(dir).append("\"\n")
                .append("    zonefile-sync: -1\n    zonefile-load: none\n    journal-content: changes\n")
                .append("    semantic-checks: off\n    refresh-min-interval: 3600\n    retry-min-interval: 1\n");
        conf.append("zone:\n  - domain: ").append(zone).append("\n    master: primary\n    acl: notify\n");
        Path confFile = dir.resolve("knot.conf");
        Files.writeString(confFile, conf.toString(), StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(knotd, "-c", confFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("knotd.log").toFile()).start();
        return new KnotSecondary(dir, process, port, zone);
    }

    public int port() {
        return port;
    }

    /** Polls the SOA over UDP (bounded) until this server serves this serial. */
    public void awaitSerial(long serial, Duration limit) throws Exception {
        Answers.awaitSerial(port, zone + ".", serial, limit, process, "knotd (secondary)", this::log);
    }

    public String log() throws IOException {
        Path log = dir.resolve("knotd.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
