package dev.tern.server.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * Debian's PowerDNS Authoritative ({@code pdns_server}, gsqlite3 backend) on a loopback port, serving a SQLite
 * database; {@link #pdnsutil} runs Debian's {@code pdnsutil} on the same database. Caches are off, so every answer
 * comes from SQL as it is now; nothing resolves names or leaves the machine.
 */
public final class PowerDnsServer implements AutoCloseable {
    private final Process process;
    private final Path dir;
    private final int port;

    private PowerDnsServer(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    /** Writes a pdns.conf for {@code database} into {@code dir}, for pdnsutil and pdns_server. */
    public static void configure(Path dir, Path database, List<String> extra) throws Exception {
        List<String> lines = new ArrayList<>(List.of("launch=gsqlite3", "gsqlite3-database=" + database,
                "gsqlite3-dnssec=no", "socket-dir=" + dir, "security-poll-suffix=", "cache-ttl=0",
                "query-cache-ttl=0", "negquery-cache-ttl=0", "zone-cache-refresh-interval=0", "webserver=no",
                "api=no", "loglevel=4", "guardian=no", "daemon=no", "disable-syslog=yes", "write-pid=no",
                "local-address=127.0.0.1"));
        lines.addAll(extra);
        Files.write(dir.resolve("pdns.conf"), lines, StandardCharsets.UTF_8);
    }

    /** Creates a database with PowerDNS's schema from Debian's file. */
    public static void createDatabase(Path database) throws Exception {
        Path schema = Path.of("/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql");
        if (!Files.exists(schema)) {
            fail(schema + " is missing: run dev/install-test-peers, or apt-get install pdns-backend-sqlite3");
        }
        Peers.Result result = Peers.run(30, Peers.require("sqlite3", "sqlite3"), database.toString(),
                ".read " + schema);
        assertThat(result.exitCode()).as(result.output()).isZero();
    }

    /** Runs pdnsutil with the pdns.conf in {@code dir}; fails the test when it fails. */
    public static String pdnsutil(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Peers.require("pdnsutil", "pdns-server"),
                "--config-dir=" + dir));
        command.addAll(List.of(args));
        Peers.Result result = Peers.run(60, command.toArray(String[]::new));
        assertThat(result.exitCode()).as("pdnsutil " + String.join(" ", args) + ": " + result.output()).isZero();
        return result.output();
    }

    /** Starts pdns_server with the pdns.conf in {@code dir} on a free port; waits (bounded) until it answers. */
    public static PowerDnsServer start(Path dir, String probeZone) throws Exception {
        return start(dir, probeZone, FreePort.pick());
    }

    /** Starts pdns_server on a given port (one already written into another peer's configuration). */
    public static PowerDnsServer start(Path dir, String probeZone, int port) throws Exception {
        String binary = Peers.require("pdns_server", "pdns-server");
        Process process = new ProcessBuilder(binary, "--config-dir=" + dir, "--local-port=" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("pdns_server.log").toFile()).start();
        PowerDnsServer server = new PowerDnsServer(process, dir, port);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        SimpleResolver resolver = new SimpleResolver("127.0.0.1");
        resolver.setPort(port);
        resolver.setTimeout(Duration.ofMillis(300));
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                fail("pdns_server exited: " + Files.readString(dir.resolve("pdns_server.log")));
            }
            try {
                Message answer = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(probeZone),
                        Type.SOA, DClass.IN)));
                if (answer.getRcode() == 0) {
                    return server;
                }
            } catch (java.io.IOException e) {
                // not up yet
            }
            Thread.sleep(100);
        }
        server.close();
        return fail("pdns_server did not answer within 20 s: " + Files.readString(dir.resolve("pdns_server.log")));
    }

    /** Starts pdns_server on a free port without waiting for a zone (a secondary with nothing transferred yet). */
    public static PowerDnsServer startWithoutProbe(Path dir) throws Exception {
        String binary = Peers.require("pdns_server", "pdns-server");
        int port = FreePort.pick();
        Process process = new ProcessBuilder(binary, "--config-dir=" + dir, "--local-port=" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("pdns_server.log").toFile()).start();
        return new PowerDnsServer(process, dir, port);
    }

    public int port() {
        return port;
    }

    public String log() throws Exception {
        return Files.readString(dir.resolve("pdns_server.log"));
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
