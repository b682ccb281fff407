package dev.tern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;
import dev.tern.server.testing.Answers;
import dev.tern.server.testing.Peers;
import dev.tern.server.testing.ProcessLog;

/**
 * {@code systemctl reload ternd}: SIGHUP to a ternd running as its own process re-reads tern.conf where it is safe
 * (log-level at once, other changes named as waiting for a restart, a broken file reported and ignored) and the
 * database, and ternd keeps answering.
 */
class ReloadTest {
    @TempDir
    Path dir;

    @Test
    void sighupAppliesTheLogLevelNamesWhatNeedsARestartAndSurvivesABrokenFile() throws Exception {
        Path config = dir.resolve("tern.conf");
        String base = "local-address=127.0.0.1\nlocal-port=0\ngsqlite3-database=" + dir.resolve("t.sqlite3")
                + "\nsocket-dir=" + dir + "\nsql-poll-interval=0\nreceiver-threads=1\n";
        Files.writeString(config, base + "log-level=info\n");
        Path log = dir.resolve("ternd.log");
        Process ternd = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), Main.class.getName(), "--config=" + config, "--demo")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            ProcessLog.await(log, " started", ternd);
            Files.writeString(config, base.replace("sql-poll-interval=0", "sql-poll-interval=7")
                    + "log-level=debug\nallow-axfr-ips=127.0.0.0/8\n");
            hangup(ternd);
            ProcessLog.await(log, "reload: log-level info -> debug", ternd);
            ProcessLog.await(log, "reload: sql-poll-interval, allow-axfr-ips changed in " + config
                    + "; the running values stay until a restart", ternd);
            // debug is on: a control command is logged
            assertThat(dev.tern.server.testing.TernCtlRun.of(dir.resolve("ternd.controlsocket"), "rping").out())
                    .isEqualTo("PONG");
            ProcessLog.await(log, "control: 'RPING' answered 'PONG'", ternd);

            Files.writeString(config, base + "log-level=loud\n");
            hangup(ternd);
            ProcessLog.await(log, config + ":7: log-level: 'loud' is not one of the values", ternd);
            ProcessLog.await(log, "reload: " + config + " has 1 problem(s); the running settings are kept", ternd);
            ProcessLog.await(log, "SIGHUP: re-reading", ternd, 2);
            int port = port(log);
            assertThat(Answers.answer(port, "example.com.", Type.SOA)).hasSize(1);
            assertThat(ternd.isAlive()).isTrue();
        } finally {
            ternd.destroy();
            if (!ternd.waitFor(20, TimeUnit.SECONDS)) {
                ternd.destroyForcibly();
            }
        }
    }

    private static void hangup(Process process) throws Exception {
        Peers.Result kill = Peers.run(10, "kill", "-HUP", Long.toString(process.pid()));
        assertThat(kill.exitCode()).as(kill.output()).isZero();
    }

    /** The UDP port ternd logged it listens on. */
    private static int port(Path log) throws Exception {
        java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("listening on 127\\.0\\.0\\.1 port (\\d+)")
                .matcher(Files.readString(log));
        if (!matcher.find()) {
            fail("no port in the log: " + Files.readString(log));
        }
        return Integer.parseInt(matcher.group(1));
    }
}
