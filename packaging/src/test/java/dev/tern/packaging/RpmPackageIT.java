package dev.tern.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The .rpm read back with Debian's {@code rpm}: its files with owners, modes and flags, its scriptlets and its
 * requirements. No RPM-based system is at hand to install it on; its scriptlets are syntax-checked in {@link
 * ShippedFilesTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RpmPackageIT {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private String rpm;

    @BeforeAll
    void findTheRpm() {
        Command.require("rpm", "rpm");
        Path file = Path.of(System.getProperty("tern.rpm", "")).toAbsolutePath();
        assertThat(file).as("the .rpm the build made (system property tern.rpm)").isRegularFile();
        rpm = file.toString();
    }

    private String query(String... options) {
        List<String> argv = new java.util.ArrayList<>(List.of("rpm", "-qp"));
        argv.addAll(List.of(options));
        argv.add(rpm);
        return Command.run(TIMEOUT, argv.toArray(String[]::new)).ok();
    }

    @Test
    void itHoldsTheLaunchersJarsUnitManPagesAndCompletion() {
        List<String> files = query("-l").lines().toList();
        assertThat(files).contains("/usr/bin/ternd", "/usr/bin/ternctl", "/usr/share/tern/ternd.jar",
                "/etc/tern/tern.conf", "/usr/lib/systemd/system/ternd.service", "/usr/lib/sysusers.d/tern.conf",
                "/usr/lib/tmpfiles.d/tern.conf", "/usr/share/man/man1/ternd.1.gz", "/usr/share/man/man1/ternctl.1.gz",
                "/usr/share/bash-completion/completions/ternctl", "/usr/share/doc/tern/install.md", "/var/lib/tern");
        assertThat(files).anyMatch(f -> f.matches("/usr/share/tern/lib/tern-control-.*\\.jar"));
        // Directories of the system belong to the system's own packages, not to tern.
        assertThat(files).doesNotContain("/usr", "/usr/bin", "/usr/lib", "/usr/share", "/usr/share/man/man1", "/etc");
    }

    @Test
    void ownersModesAndFlagsAreThoseOfADaemonPackage() {
        List<String> files = query("--qf", "[%{FILEFLAGS:fflags} %{FILEUSERNAME}:%{FILEGROUPNAME} %{FILEMODES:perms} "
                + "%{FILENAMES}\\n]").lines().map(String::strip).toList();
        assertThat(files).contains(
                "cn root:root -rw-r--r-- /etc/tern/tern.conf",
                "root:root -rwxr-xr-x /usr/bin/ternd",
                "root:root -rwxr-xr-x /usr/bin/ternctl",
                "root:root -rw-r--r-- /usr/lib/systemd/system/ternd.service",
                "tern:tern drwxr-x--- /var/lib/tern",
                "d root:root -rw-r--r-- /usr/share/doc/tern/install.md");
    }

    @Test
    void itsScriptletsCreateTheUserAndLeaveTheServiceToSystemd() {
        String scripts = query("--scripts");
        assertThat(scripts).contains("preinstall scriptlet (using /bin/sh)", "postinstall scriptlet (using /bin/sh)",
                "preuninstall scriptlet (using /bin/sh)", "postuninstall scriptlet (using /bin/sh)");
        assertThat(scripts).contains("useradd -r -g tern -d /var/lib/tern", "systemctl --no-reload preset ternd.service",
                "systemctl --no-reload disable --now ternd.service", "systemctl try-restart ternd.service");
    }

    @Test
    void itRequiresJava17AndTheUserToolsBeforeItsPreScriptlet() {
        assertThat(query("-R").lines().map(String::strip)).contains("java-headless >= 1:17");
        assertThat(query("--qf", "[%{REQUIREFLAGS:deptype} %{REQUIRENAME}\\n]").lines().map(String::strip))
                .contains("pre /usr/sbin/useradd", "pre /usr/sbin/groupadd");
        assertThat(query("--qf", "%{NAME} %{ARCH}")).isEqualTo("tern noarch");
    }
}
