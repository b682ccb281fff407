package dev.tern.server.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import dev.tern.config.ConfigLoader;
import dev.tern.control.cli.ExitCodes;
import dev.tern.server.testing.TernCtlRun;
import dev.tern.control.protocol.ControlClient;
import dev.tern.server.Server;
import dev.tern.server.store.JdbcZoneStore;
import dev.tern.server.testing.Peers;
import dev.tern.server.testing.ScriptedPrimary;
import dev.tern.server.zone.ZoneKind;

/** The control socket end to end: ternctl and the real pdns_control against a running ternd. */
class ControlSocketTest {
    @TempDir
    Path dir;

    static String zone(long serial) {
        return "$ORIGIN ctl.test.\n$TTL 300\n@ SOA ns1 hostmaster " + serial + " 3600 600 86400 60\n@ NS ns1\n"
                + "ns1 A 127.0.0.1\n";
    }

    private Server start(String master, String... settings) throws Exception {
        Path database = dir.resolve("tern.sqlite3");
        try (JdbcZoneStore store = JdbcZoneStore.openSqlite(database, 5000, 3600)) {
            store.createZone(Name.fromConstantString("ctl.test."), ZoneKind.SECONDARY, master);
            store.createZone(Name.fromConstantString("native.test."), ZoneKind.NATIVE, null);
        }
        List<String> all = new ArrayList<>(List.of("local-address=127.0.0.1", "local-port=0",
                "gsqlite3-database=" + database, "sql-poll-interval=0", "socket-dir=" + dir,
                "min-refresh-interval=3600"));
        all.addAll(List.of(settings));
        return new Server(new ConfigLoader().load(all)).start(false);
    }

    record Run(int code, String out, String err) {
    }

    static Run ternctl(Path socket, String... args) {
        TernCtlRun run = TernCtlRun.of(socket, args);
        return new Run(run.code(), run.out(), run.err());
    }

    @Test
    void ternctlRetrievesAndReportsTheRealOutcome() throws Exception {
        try (ScriptedPrimary primary = ScriptedPrimary.start("ctl.test.", zone(1));
             Server tern = start("127.0.0.1:" + primary.port(), "secondary=yes")) {
            Path socket = tern.controlSocket();
            assertThat(ternctl(socket, "rping")).isEqualTo(new Run(0, "PONG", ""));

            primary.setZone("ctl.test.", zone(7));
            Run retrieve = ternctl(socket, "retrieve", "ctl.test");
            assertThat(retrieve.code()).isEqualTo(ExitCodes.OK);
            // The first check after start may or may not have run yet: AXFR from nothing, or IXFR answered in full.
            assertThat(retrieve.out()).matches("((AXFR|IXFR\\(AXFR-style\\))-in from 127\\.0\\.0\\.1:\\d+: finished, serial .* -> 7, .*"
                    + "|refresh from .*: up to date, serial 7)");
            Run again = ternctl(socket, "--json", "retrieve", "ctl.test");
            assertThat(again.out()).startsWith("{\"result\":\"up-to-date\",\"detail\":\"refresh from 127.0.0.1:");

            Run status = ternctl(socket, "zone-status", "ctl.test");
            assertThat(status.out()).contains("role: SLAVE").contains("served serial: 7").contains("stored serial: 7")
                    .containsPattern("primaries' serials: 127.0.0.1:\\d+ 7").containsPattern("last transfer: \\S+-in from"
                    + " 127.0.0.1:\\d+: finished, serial \\S+ -> 7").contains("last error: none since start")
                    .contains("failures in a row: 0");
            assertThat(ternctl(socket, "list-zones").out()).isEqualTo("ctl.test.\nnative.test.\nAll zonecount: 2");
            assertThat(ternctl(socket, "list-zones", "secondary").out()).isEqualTo("ctl.test.\nSlave zonecount: 1");

            Run notSecondary = ternctl(socket, "retrieve", "native.test");
            assertThat(notSecondary.code()).isEqualTo(ExitCodes.REFUSED);
            assertThat(notSecondary.err()).contains("is not a secondary zone");
            assertThat(ternctl(socket, "retrieve", "nope.test").code()).isEqualTo(ExitCodes.REFUSED);
            assertThat(ternctl(socket, "retrieve", "--no-wait", "ctl.test").out())
                    .startsWith("Added retrieval request for 'ctl.test' from primary 127.0.0.1:");
        }
    }

    @Test
    void aRetrieveFromADeadPrimaryFailsWithTheCause() throws Exception {
        int dead;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            dead = socket.getLocalPort();
        }
        try (Server tern = start("127.0.0.1:" + dead, "secondary=yes", "soa-query-timeout=1")) {
            Run retrieve = ternctl(tern.controlSocket(), "retrieve", "ctl.test");
            assertThat(retrieve.code()).isEqualTo(ExitCodes.FAILED);
            assertThat(retrieve.err()).startsWith("refresh failed: SOA from 127.0.0.1:" + dead + ":");
        }
    }

    @Test
    void withSecondaryNoRetrieveIsAnErrorNotAQueuedRequest() throws Exception {
        try (Server tern = start("127.0.0.1:1", "secondary=no")) {
            Run retrieve = ternctl(tern.controlSocket(), "retrieve", "ctl.test");
            assertThat(retrieve.code()).isEqualTo(ExitCodes.REFUSED);
            assertThat(retrieve.err()).contains("secondary=no");
        }
    }

    @Test
    void noDaemonIsOneClearLineAndItsOwnExitCode() {
        Run run = ternctl(dir.resolve("missing.controlsocket"), "rping");
        assertThat(run.code()).isEqualTo(ExitCodes.NOT_RUNNING);
        assertThat(run.err()).isEqualTo("ternctl: ternd is not running: cannot connect to "
                + dir.resolve("missing.controlsocket") + " (No such file or directory)");
    }

    @Test
    void theSocketIsGroupReadableOnlyAndASecondDaemonRefusesToStart() throws Exception {
        try (Server tern = start("127.0.0.1:1")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tern.controlSocket())))
                    .isEqualTo("rw-rw----");
            assertThatThrownBy(() -> new Server(new ConfigLoader().load(List.of("local-address=127.0.0.1",
                    "local-port=0", "gsqlite3-database=" + dir.resolve("other.sqlite3"), "socket-dir=" + dir)))
                    .start(false)).hasMessageContaining("another ternd is running on control socket");
            assertThat(ternctl(tern.controlSocket(), "rping").code()).isZero();
        }
    }

    @Test
    void silentClientsAndHugeLinesDoNotHoldTheSocket() throws Exception {
        try (Server tern = start("127.0.0.1:1")) {
            Path socket = tern.controlSocket();
            List<SocketChannel> silent = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
                channel.connect(UnixDomainSocketAddress.of(socket));
                silent.add(channel);
            }
            // Silent clients are dropped after the read deadline; meanwhile the pool still answers others.
            assertThat(new ControlClient(socket).send("rping", Duration.ofSeconds(15))).isEqualTo("PONG");
            for (SocketChannel channel : silent) {
                channel.close();
            }
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.connect(UnixDomainSocketAddress.of(socket));
                ByteBuffer huge = ByteBuffer.wrap("x".repeat(1_100_000).getBytes());
                while (huge.hasRemaining() && channel.write(huge) > 0) {
                    if (huge.position() > 1_030_000) {
                        break;
                    }
                }
                ByteBuffer reply = ByteBuffer.allocate(200);
                channel.read(reply);
                assertThat(new String(reply.array(), 0, reply.position())).startsWith("Error: command line longer");
            }
            assertThat(new ControlClient(socket).send("nosuch", Duration.ofSeconds(5)))
                    .isEqualTo("Unknown command: 'NOSUCH'");
        }
    }

    @Test
    void theRealPdnsControlDrivesTernd() throws Exception {
        String pdnsControl = Peers.require("pdns_control", "pdns-server");
        try (ScriptedPrimary primary = ScriptedPrimary.start("ctl.test.", zone(3));
             Server tern = start("127.0.0.1:" + primary.port(), "secondary=yes",
                     "control-socket-name=pdns.controlsocket")) {
            String socketDir = dir.toString();
            Peers.Result rping = Peers.run(20, pdnsControl, "--no-config", "--socket-dir=" + socketDir, "rping");
            assertThat(rping).isEqualTo(new Peers.Result(0, "PONG\n"));
            Peers.Result list = Peers.run(20, pdnsControl, "--no-config", "--socket-dir=" + socketDir, "list-zones");
            assertThat(list.output()).isEqualTo("ctl.test.\nnative.test.\nAll zonecount: 2\n");
            Peers.Result retrieve = Peers.run(20, pdnsControl, "--no-config", "--socket-dir=" + socketDir,
                    "retrieve", "ctl.test");
            assertThat(retrieve.exitCode()).isZero();
            assertThat(retrieve.output()).matches("(Added retrieval request for 'ctl\\.test' from primary 127\\.0\\.0\\.1"
                    + ":\\d+|Refresh of 'ctl\\.test' is running now; .*)\n");
            Peers.Result unknown = Peers.run(20, pdnsControl, "--no-config", "--socket-dir=" + socketDir, "frobnicate");
            assertThat(unknown.exitCode()).isEqualTo(1);
            assertThat(unknown.output()).contains("Unknown command: 'FROBNICATE'");
            Peers.Result version = Peers.run(20, pdnsControl, "--no-config", "--socket-dir=" + socketDir, "version");
            assertThat(version.exitCode()).isZero();
            // Let the retrieve above finish, so that a refresh has been counted.
            tern.secondaries().requestRefresh(org.xbill.DNS.Name.fromConstantString("ctl.test."), null)
                    .get(20, java.util.concurrent.TimeUnit.SECONDS);
            Peers.Result show = Peers.run(20, pdnsControl, "--no-config", "--socket-dir=" + socketDir, "show", "*");
            assertThat(show.exitCode()).isZero();
            assertThat(show.output()).containsPattern("incoming-notifications=\\d+,").containsPattern("uptime=\\d+,")
                    .containsPattern("xfr-queue=\\d+,").containsPattern("tern-refresh-[a-z_-]+=[1-9]\\d*,");
            Peers.Result uptime = Peers.run(20, pdnsControl, "--no-config", "--socket-dir=" + socketDir, "show",
                    "uptime");
            assertThat(uptime.output()).matches("\\d+\n");
            Peers.Result nonsense = Peers.run(20, pdnsControl, "--no-config", "--socket-dir=" + socketDir, "show",
                    "nonsense");
            assertThat(nonsense.exitCode()).isEqualTo(1);
            Peers.Result queue = Peers.run(20, pdnsControl, "--no-config", "--socket-dir=" + socketDir, "xfr-queue");
            assertThat(queue.exitCode()).isZero();
            Peers.Result notify = Peers.run(20, pdnsControl, "--no-config", "--socket-dir=" + socketDir, "notify",
                    "native.test");
            assertThat(notify.output()).startsWith("Error: zone native.test.");
            java.util.concurrent.CountDownLatch quit = new java.util.concurrent.CountDownLatch(1);
            tern.onQuit(quit::countDown);
            Peers.Result exiting = Peers.run(20, pdnsControl, "--no-config", "--socket-dir=" + socketDir, "quit");
            assertThat(exiting.output()).isEqualTo("Exiting\n");
            assertThat(quit.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("quit ran").isTrue();
        }
    }

    @Test
    void ternctlHasASubcommandForEveryControlCommand() throws Exception {
        try (ScriptedPrimary primary = ScriptedPrimary.start("ctl.test.", zone(3));
             Server tern = start("127.0.0.1:" + primary.port(), "secondary=yes")) {
            Path socket = tern.controlSocket();
            assertThat(ternctl(socket, "xfr-queue").code()).isZero();
            assertThat(ternctl(socket, "show").out()).containsPattern("uptime=\\d+,");
            assertThat(ternctl(socket, "show", "uptime").out()).matches("\\d+");
            Run unknown = ternctl(socket, "show", "nonsense");
            assertThat(unknown.code()).isEqualTo(1);
            assertThat(unknown.err()).isEqualTo("Unknown");
            assertThat(ternctl(socket, "current-config", "diff").out()).contains("secondary=yes");
            assertThat(ternctl(socket, "set", "log-level", "debug").code()).isZero();
            assertThat(ternctl(socket, "set", "log-level", "info").code()).isZero();
            assertThat(ternctl(socket, "retrieve", "ctl.test").code()).isZero();
            assertThat(ternctl(socket, "reload", "ctl.test").code()).isZero();
            assertThat(ternctl(socket, "uptime").code()).isZero();
            java.util.concurrent.CountDownLatch quit = new java.util.concurrent.CountDownLatch(1);
            tern.onQuit(quit::countDown);
            assertThat(ternctl(socket, "quit")).isEqualTo(new Run(0, "Exiting", ""));
            assertThat(quit.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void reloadPicksUpSqlChangesAtOnce() throws Exception {
        try (Server tern = start("127.0.0.1:1")) {
            try (JdbcZoneStore store = JdbcZoneStore.openSqlite(dir.resolve("tern.sqlite3"), 5000, 3600);
                 Connection connection = store.dataSource().getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO domains (name, type) VALUES ('added.test', 'NATIVE')");
            }
            assertThat(ternctl(tern.controlSocket(), "reload").out()).isEqualTo("Ok");
            assertThat(ternctl(tern.controlSocket(), "list-zones").out()).contains("added.test.");
            ControlClient client = new ControlClient(tern.controlSocket());
            assertThat(client.send("reload nope.test", Duration.ofSeconds(5))).startsWith("Error: zone nope.test.");
            assertThat(client.send("current-config diff", Duration.ofSeconds(5)))
                    .startsWith("# Autogenerated configuration file based on running instance (")
                    .contains("\nlocal-port=0\n").doesNotContain("udp-truncation-threshold");
            assertThat(client.send("set log-level debug", Duration.ofSeconds(5))).isEqualTo("done");
            assertThat(client.send("set log-level info", Duration.ofSeconds(5))).isEqualTo("done");
            assertThat(client.send("set cache-ttl 5", Duration.ofSeconds(5)))
                    .isEqualTo("This setting cannot be changed at runtime, or no such setting");
            assertThat(client.send("help", Duration.ofSeconds(5))).contains("retrieve-wait <zone> [<ip>] [<seconds>]");
        }
    }
}
