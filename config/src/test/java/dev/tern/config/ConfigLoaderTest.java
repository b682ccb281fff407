package dev.tern.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private final ConfigLoader loader = new ConfigLoader();

    @Test
    void everySettingHasADefaultThatParses() {
        TernConfig config = TernConfig.defaults();
        for (Setting<?> setting : Settings.all()) {
            assertThat(config.get(setting)).as(setting.name()).isNotNull();
            assertThat(setting.description()).as(setting.name()).isNotBlank();
        }
        assertThat(config.get(Settings.UDP_TRUNCATION_THRESHOLD)).isEqualTo(1232);
        assertThat(config.get(Settings.TCP_MSS)).isEqualTo(1220);
        assertThat(config.changed()).isEmpty();
    }

    @Test
    void readsPdnsConfSyntax(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tern.conf");
        Files.writeString(file, String.join("\n",
                "# a comment",
                "local-address=127.0.0.1, ::1   # trailing comment",
                "  local-port = 5300",
                "local-address+=127.0.0.2",
                "udp-truncation-threshold=\\",
                "1400",
                "launch=gsqlite3",
                ""));
        TernConfig config = loader.load(file, List.of());
        assertThat(config.get(Settings.LOCAL_ADDRESS)).containsExactly(InetAddress.getByName("127.0.0.1"),
                InetAddress.getByName("::1"), InetAddress.getByName("127.0.0.2"));
        assertThat(config.get(Settings.LOCAL_PORT)).isEqualTo(5300);
        assertThat(config.get(Settings.UDP_TRUNCATION_THRESHOLD)).isEqualTo(1400);
        assertThat(config.warnings()).isEmpty();
    }

    @Test
    void commandLineOverridesTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tern.conf");
        Files.writeString(file, "local-port=5300\n");
        TernConfig config = loader.load(file, List.of("--local-port=5301"));
        assertThat(config.get(Settings.LOCAL_PORT)).isEqualTo(5301);
        assertThat(config.changed()).containsEntry("local-port", "5301");
    }

    @Test
    void badLinesAreReportedWithFileLineAndWhatIsExpected(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tern.conf");
        Files.writeString(file, String.join("\n",
                "local-port=53x",
                "this line has no equals sign",
                "udp-truncation-threshold=100",
                "local-address=ns1.example.com",
                ""));
        assertThatThrownBy(() -> loader.load(file, List.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        file + ":2: 'this line has no equals sign' is not a setting (expected: key=value)",
                        file + ":4: local-address: 'ns1.example.com' is not an IP address (expected: IP addresses"
                                + " separated by commas, e.g. 127.0.0.1, ::1)",
                        file + ":1: local-port: '53x' is not a whole number (expected: a whole number from 0 to"
                                + " 65535)",
                        file + ":3: udp-truncation-threshold: 100 is out of range (expected: a whole number from"
                                + " 512 to 65535)"));
    }

    @Test
    void unknownKeySuggestsTheClosestKnownKey(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tern.conf");
        Files.writeString(file, "\nlocal-adress=127.0.0.1\nfrobnicate=yes\n");
        assertThatThrownBy(() -> loader.load(file, List.of()))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        file + ":2: unknown setting 'local-adress' (did you mean 'local-address'?)",
                        file + ":3: unknown setting 'frobnicate' (expected: one of the settings in"
                                + " docs/configuration.md)"));
    }

    @Test
    void powerDnsKeysTernDoesNotImplementAreWarningsNotErrors(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("tern.conf");
        Files.writeString(file, "launch=gsqlite3\nsetuid=pdns\ncache-ttl=20\nlocal-port=5300\n");
        TernConfig config = loader.load(file, List.of());
        assertThat(config.get(Settings.LOCAL_PORT)).isEqualTo(5300);
        assertThat(config.warnings()).containsExactly(
                file + ":2: 'setuid' is a PowerDNS setting that Tern does not implement; the line is ignored",
                file + ":3: 'cache-ttl' is a PowerDNS setting that Tern does not implement; the line is ignored");
    }

    @Test
    void anotherBackendIsRefused() {
        assertThatThrownBy(() -> loader.load(List.of("--launch=gmysql")))
                .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.problems()).containsExactly(
                        "command line: launch: 'gmysql' is not a backend Tern has (expected: text)"));
    }

    @Test
    void aMissingFileSaysHowToPointAtOne(@TempDir Path dir) {
        Path file = dir.resolve("nope.conf");
        assertThatThrownBy(() -> loader.load(file, List.of())).hasMessageContaining(file + ": no such file");
    }
}
