package dev.tern.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.tern.server.testing.TernCtlRun;
import dev.tern.server.testing.ProcessLog;

/**
 * ternd's log lines as an operator sees them: ternd runs as its own process (Logback configures itself at start),
 * with and without the systemd journal's JOURNAL_STREAM, as text and as JSON, and with the level changed through
 * the control socket while it runs.
 */
class LoggingTest {
    /** The pattern's timestamp: 2026-12-02T10:03:53.123Z or with an offset. */
    private static final String TIMESTAMP = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}(Z|[+-]\\d\\d:\\d\\d) ";

    @TempDir
    Path dir;

    @Test
    void textLinesCarryATimestampOutsideSystemdAndNoneInTheJournal() throws Exception {
        Path config = dir.resolve("tern.conf");
        Files.writeString(config, "setuid=pdns\n");
        String plain = run(Map.of(), "--config=" + config, "--check-config");
        assertThat(plain)
                .containsPattern("(?m)^" + TIMESTAMP + "WARN  " + config + ":1: 'setuid' is a PowerDNS setting");

        String journal = run(Map.of("JOURNAL_STREAM", "8:12345"), "--config=" + config, "--check-config");
        assertThat(journal).containsPattern("(?m)^WARN  " + config + ":1: 'setuid' is a PowerDNS setting")
                .doesNotContainPattern(TIMESTAMP);
    }

    @Test
    void jsonLinesAreOneObjectEachAndTheLevelChangesAtRunTime() throws Exception {
        Path log = dir.resolve("ternd.log");
        Process ternd = process(Map.of("JOURNAL_STREAM", "8:12345"), "--log-format=json", "--demo",
                "--local-address=127.0.0.1", "--local-port=0", "--gsqlite3-database=" + dir.resolve("t.sqlite3"),
                "--socket-dir=" + dir, "--sql-poll-interval=0", "--receiver-threads=1")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Path socket = dir.resolve("ternd.controlsocket");
        try {
            ProcessLog.await(log, "started\"", ternd);
            // info: a control command is not logged; debug: it is
            assertThat(TernCtlRun.of(socket, "uptime").code()).isZero();
            assertThat(TernCtlRun.of(socket, "set", "log-level", "debug").code()).isZero();
            assertThat(TernCtlRun.of(socket, "uptime").code()).isZero();
            ProcessLog.await(log, "control: 'UPTIME' answered", ternd);
            assertThat(TernCtlRun.of(socket, "set", "log-level", "warn").code()).isZero();
            assertThat(TernCtlRun.of(socket, "uptime").code()).isZero();
            assertThat(TernCtlRun.of(socket, "quit").out()).isEqualTo("Exiting");
            assertThat(ternd.waitFor(20, TimeUnit.SECONDS)).as("ternd exits on quit").isTrue();
        } finally {
            ternd.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(log);
        List<String> debug = new ArrayList<>();
        for (String line : lines) {
            // one JSON object per line, with the fields a log shipper indexes (the journal's stamp is not used)
            assertThat(line).as("a JSON object").startsWith("{").endsWith("}")
                    .containsPattern("\"timestamp\":\\d{13}").contains("\"threadName\":", "\"loggerName\":\"dev.tern.")
                    .containsPattern("\"level\":\"(INFO|DEBUG|WARN|ERROR)\"").contains("\"formattedMessage\":");
            if (line.contains("control: 'UPTIME' answered")) {
                debug.add(line);
            }
        }
        assertThat(lines).anyMatch(line -> line.contains("\"level\":\"INFO\"")
                && line.contains("\"formattedMessage\":\"ternd ") && line.contains(" started\""));
        assertThat(debug).as("only the uptime sent at debug level is logged").hasSize(1);
        assertThat(debug.get(0)).contains("\"level\":\"DEBUG\"");
        // at warn, the INFO line of the shutdown is left out
        assertThat(lines).noneMatch(line -> line.contains("ternd stopping"));
    }

    @Test
    void anUnknownLevelOrFormatIsAConfigProblem() {
        MainTest.Run run = MainTest.ternd("--check-config", "--log-level=loud", "--log-format=xml");
        assertThat(run.exitCode()).isEqualTo(Main.EXIT_CONFIG);
        assertThat(run.err()).contains(
                "command line: log-level: 'loud' is not one of the values"
                        + " (expected: error, warn, info, debug or trace)",
                "command line: log-format: 'xml' is not one of the values (expected: text or json)");
    }

    private ProcessBuilder process(Map<String, String> environment, String... args) {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("JOURNAL_STREAM");
        builder.environment().remove("INVOCATION_ID");
        builder.environment().putAll(environment);
        return builder;
    }

    /** Runs ternd to its end (within 60 s) and gives what it wrote. */
    private String run(Map<String, String> environment, String... args) throws Exception {
        Path out = Files.createTempFile(dir, "ternd", ".out");
        Process process = process(environment, args).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("ternd " + String.join(" ", args) + " did not finish within 60 s: " + Files.readString(out));
        }
        assertThat(process.exitValue()).as(Files.readString(out)).isZero();
        return Files.readString(out);
    }
}
