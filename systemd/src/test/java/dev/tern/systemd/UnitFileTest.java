package dev.tern.systemd;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shipped unit and snippets say what the packaging promises: the hardening settings, the paths the launchers and
 * the default tern.conf use, and no setting that would stop a JVM. {@code systemd-analyze verify} and {@code
 * security} run on the installed unit in the packaging module's integration test.
 */
class UnitFileTest {
    private static List<String> lines(String name) throws IOException {
        try (InputStream in = UnitFileTest.class.getResourceAsStream("/tern-systemd/" + name)) {
            assertThat(in).as("tern-systemd/%s on the class path", name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }

    /** "Section.Key" to the values it was given (a key may repeat); comments and blank lines left out. */
    private static Map<String, List<String>> unit() throws IOException {
        Map<String, List<String>> settings = new LinkedHashMap<>();
        String section = "";
        for (String line : lines("ternd.service")) {
            String text = line.strip();
            if (text.isEmpty() || text.startsWith("#") || text.startsWith(";")) {
                continue;
            }
            if (text.startsWith("[")) {
                section = text.substring(1, text.indexOf(']'));
                continue;
            }
            int eq = text.indexOf('=');
            assertThat(eq).as("ternd.service: '%s' (expected: Key=value)", text).isPositive();
            settings.computeIfAbsent(section + "." + text.substring(0, eq), k -> new ArrayList<>())
                    .add(text.substring(eq + 1));
        }
        return settings;
    }

    @Test
    void theServiceIsANotifyServiceRunAsTernThroughTheLaunchers() throws IOException {
        assertThat(unit()).contains(
                Map.entry("Service.Type", List.of("notify")),
                Map.entry("Service.User", List.of("tern")),
                Map.entry("Service.Group", List.of("tern")),
                Map.entry("Service.ExecStartPre", List.of("/usr/bin/ternd --check-config")),
                Map.entry("Service.ExecStart", List.of("/usr/bin/ternd")),
                Map.entry("Service.ExecReload", List.of("/bin/kill -HUP $MAINPID")),
                Map.entry("Service.Restart", List.of("on-failure")),
                Map.entry("Service.RuntimeDirectory", List.of("tern")),
                Map.entry("Service.StateDirectory", List.of("tern")),
                Map.entry("Install.WantedBy", List.of("multi-user.target")));
    }

    @Test
    void theServiceIsHardenedButMayRunAJit() throws IOException {
        Map<String, List<String>> unit = unit();
        assertThat(unit).contains(
                Map.entry("Service.AmbientCapabilities", List.of("CAP_NET_BIND_SERVICE")),
                Map.entry("Service.CapabilityBoundingSet", List.of("CAP_NET_BIND_SERVICE")),
                Map.entry("Service.NoNewPrivileges", List.of("yes")),
                Map.entry("Service.ProtectSystem", List.of("strict")),
                Map.entry("Service.ProtectHome", List.of("yes")),
                Map.entry("Service.PrivateTmp", List.of("yes")),
                Map.entry("Service.PrivateDevices", List.of("yes")),
                Map.entry("Service.ProtectKernelTunables", List.of("yes")),
                Map.entry("Service.ProtectKernelModules", List.of("yes")),
                Map.entry("Service.ProtectKernelLogs", List.of("yes")),
                Map.entry("Service.ProtectControlGroups", List.of("yes")),
                Map.entry("Service.ProtectClock", List.of("yes")),
                Map.entry("Service.ProtectHostname", List.of("yes")),
                Map.entry("Service.ProtectProc", List.of("invisible")),
                Map.entry("Service.PrivateMounts", List.of("yes")),
                Map.entry("Service.RemoveIPC", List.of("yes")),
                Map.entry("Service.RestrictAddressFamilies", List.of("AF_INET AF_INET6 AF_UNIX AF_NETLINK")),
                Map.entry("Service.RestrictNamespaces", List.of("yes")),
                Map.entry("Service.RestrictRealtime", List.of("yes")),
                Map.entry("Service.RestrictSUIDSGID", List.of("yes")),
                Map.entry("Service.LockPersonality", List.of("yes")),
                Map.entry("Service.SystemCallArchitectures", List.of("native")),
                Map.entry("Service.SystemCallFilter", List.of("@system-service")),
                Map.entry("Service.UMask", List.of("0027")),
                Map.entry("Service.ReadWritePaths", List.of("/var/lib/tern")));
        // The JIT compiler writes code and then executes it; W^X would kill the JVM at its first compiled method.
        assertThat(unit).doesNotContainKey("Service.MemoryDenyWriteExecute");
    }

    @Test
    void sysusersDeclaresTheSystemUserTernAtHomeInVarLibTern() throws IOException {
        assertThat(lines("sysusers.d/tern.conf")).filteredOn(l -> !l.startsWith("#") && !l.isBlank())
                .containsExactly("u tern - \"Tern authoritative DNS nameserver\" /var/lib/tern");
    }

    @Test
    void tmpfilesCreatesTheDatabaseDirectoryOwnedByTern() throws IOException {
        assertThat(lines("tmpfiles.d/tern.conf")).filteredOn(l -> !l.startsWith("#") && !l.isBlank())
                .containsExactly("d /var/lib/tern 0750 tern tern -");
    }
}
