package dev.tern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** ternd's command line run in-process through picocli, as {@code Main.main} runs it but without exiting. */
class MainTest {
    @TempDir
    Path dir;

    /** What one run of ternd printed, and its exit code. */
    record Run(int exitCode, String out, String err) {
    }

    /** Runs {@code ternd args...}; only ever with flags that return (--check-config, --help, --version). */
    static Run ternd(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exitCode = new CommandLine(new Main())
                .setOut(new PrintWriter(out, true))
                .setErr(new PrintWriter(err, true))
                .execute(args);
        return new Run(exitCode, out.toString(), err.toString());
    }

    private Path file(String text) throws Exception {
        Path file = dir.resolve("tern.conf");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void checkConfigOnAGoodFileExitsZeroAndSaysItIsValid() throws Exception {
        Path file = file("# a real host\nlocal-address=192.0.2.53, 2001:db8::53\nlocal-port=53\n"
                + "gsqlite3-database=/var/lib/tern/tern.sqlite3\n");
        Run run = ternd("--config=" + file, "--check-config");
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).isEqualTo("ternd: configuration " + file + " is valid" + System.lineSeparator());
        assertThat(run.err()).isEmpty();
    }

    @Test
    void checkConfigWithoutAFileChecksTheDefaultsAndTheOverrides() {
        Run run = ternd("--check-config", "--local-port=5300");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("ternd: configuration (defaults) is valid");
    }

    @Test
    void checkConfigCountsThePowerDnsKeysItIgnores() throws Exception {
        Path file = file("launch=gsqlite3\nsetuid=pdns\n");
        Run run = ternd("--config=" + file, "--check-config");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("is valid, with 1 warning(s)");
    }

    @Test
    void aBadLineExitsTwoWithFileLineAndWhatIsExpected() throws Exception {
        Path file = file("local-address=127.0.0.1\nlocal-port=53x\n");
        Run run = ternd("--config=" + file, "--check-config");
        assertThat(run.exitCode()).isEqualTo(Main.EXIT_CONFIG).isEqualTo(2);
        assertThat(run.err()).contains(
                file + ":2: local-port: '53x' is not a whole number (expected: a whole number from 0 to 65535)",
                "ternd: the configuration has 1 problem(s); not started");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void anUnknownKeySuggestsTheClosestOne() throws Exception {
        Path file = file("\n\nlocal-adress=127.0.0.1\n");
        Run run = ternd("--config=" + file, "--check-config", "--udp-truncaton-threshold=1400");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(
                file + ":3: unknown setting 'local-adress' (did you mean 'local-address'?)",
                "command line: unknown setting 'udp-truncaton-threshold' (did you mean 'udp-truncation-threshold'?)",
                "the configuration has 2 problem(s)");
    }

    @Test
    void aMissingConfigFileIsAProblemToo() {
        Path missing = dir.resolve("nope.conf");
        Run run = ternd("--config=" + missing, "--check-config");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(missing + ": no such file");
    }

    @Test
    void helpListsTheOptions() {
        Run run = ternd("--help");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("Usage: ternd", "--config=FILE", "--check-config", "--demo", "--help",
                "--version", "--key=value");
    }

    @Test
    void versionNamesTernd() {
        Run run = ternd("--version");
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).startsWith("ternd ");
    }
}
