package dev.tern.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import dev.tern.config.ConfigLoader;
import dev.tern.config.Settings;
import dev.tern.config.TernConfig;

/**
 * The files the packages ship, checked without installing anything: the default tern.conf, the shell syntax of
 * every maintainer script and scriptlet, and how the launchers add {@code --config}.
 */
class ShippedFilesTest {
    /** Maven runs the tests of this module with the module directory as working directory. */
    private static final Path ROOT = Path.of("src", "main", "root");
    private static final String CLASS_PATH = "/usr/share/tern/ternd.jar:/usr/share/tern/lib/*";

    @TempDir
    Path dir;

    @Test
    void theDefaultConfigurationLoadsWithoutWarningsAndServesLoopbackFromVarLibTern() throws Exception {
        TernConfig config = new ConfigLoader().load(ROOT.resolve("etc/tern/tern.conf"), List.of());
        assertThat(config.warnings()).isEmpty();
        assertThat(config.get(Settings.LOCAL_ADDRESS)).containsExactly(InetAddress.getByName("127.0.0.1"),
                InetAddress.getByName("::1"));
        assertThat(config.get(Settings.LOCAL_PORT)).isEqualTo(53);
        assertThat(config.get(Settings.GSQLITE3_DATABASE)).isEqualTo("/var/lib/tern/tern.sqlite3");
        assertThat(config.get(Settings.SOCKET_DIR)).isEqualTo("/run/tern");
    }

    static Stream<Path> scripts() {
        return Stream.of("src/deb/control/postinst", "src/deb/control/prerm", "src/deb/control/postrm",
                "src/rpm/pre.sh", "src/rpm/post.sh", "src/rpm/preun.sh", "src/rpm/postun.sh",
                "src/main/root/usr/bin/ternd", "src/main/root/usr/bin/ternctl").map(Path::of);
    }

    @ParameterizedTest
    @MethodSource("scripts")
    void everyScriptParsesAsAPosixShellScript(Path script) {
        assertThat(script).isRegularFile();
        Command.run(Duration.ofSeconds(10), "sh", "-n", script.toString()).ok();
    }

    @Test
    void theDebianMaintainerScriptsAndTheLaunchersAreExecutable() {
        for (String path : List.of("src/deb/control/postinst", "src/deb/control/prerm", "src/deb/control/postrm",
                "src/main/root/usr/bin/ternd", "src/main/root/usr/bin/ternctl")) {
            assertThat(Files.isExecutable(Path.of(path))).as(path).isTrue();
        }
    }

    /** A stand-in for Java that prints its arguments, one a line, so the launchers' command lines can be read. */
    private Path fakeJavaHome() throws IOException {
        Path bin = Files.createDirectories(dir.resolve("jdk/bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        return dir.resolve("jdk");
    }

    private List<String> launch(String launcher, String... args) throws IOException {
        String[] argv = Stream.concat(Stream.of(ROOT.resolve("usr/bin").resolve(launcher).toString()), Stream.of(args))
                .toArray(String[]::new);
        return Command.run(Duration.ofSeconds(10), null, Command.env("JAVA_HOME", fakeJavaHome().toString()), argv)
                .ok().lines().toList();
    }

    @Test
    void terndReadsEtcTernTernConfUnlessGivenAConfig() throws IOException {
        assertThat(launch("ternd", "--check-config")).containsExactly("-XX:+ExitOnOutOfMemoryError", "-cp",
                CLASS_PATH, "dev.tern.server.Main", "--config=/etc/tern/tern.conf", "--check-config");
        assertThat(launch("ternd", "--config=/srv/tern.conf", "--local-port=5300")).containsExactly(
                "-XX:+ExitOnOutOfMemoryError", "-cp", CLASS_PATH, "dev.tern.server.Main", "--config=/srv/tern.conf",
                "--local-port=5300");
        assertThat(launch("ternd", "--config", "/srv/tern.conf")).doesNotContain("--config=/etc/tern/tern.conf");
    }

    @Test
    void terndPassesTernJavaOptsToTheJvm() throws IOException {
        List<String> argv = Command.run(Duration.ofSeconds(10), null, Command.env("JAVA_HOME",
                fakeJavaHome().toString(), "TERN_JAVA_OPTS", "-Xmx256m -Xss512k"),
                ROOT.resolve("usr/bin/ternd").toString(), "--demo").ok().lines().toList();
        assertThat(argv).startsWith("-XX:+ExitOnOutOfMemoryError", "-Xmx256m", "-Xss512k", "-cp");
    }

    @Test
    void ternctlLeavesAGivenSocketOrConfigAlone() throws IOException {
        assertThat(launch("ternctl", "--socket=/tmp/x.controlsocket", "rping")).endsWith(
                "dev.tern.server.cli.TernCtlMain", "--socket=/tmp/x.controlsocket", "rping");
        assertThat(launch("ternctl", "--config=/srv/tern.conf", "rping")).endsWith(
                "dev.tern.server.cli.TernCtlMain", "--config=/srv/tern.conf", "rping");
    }
}
