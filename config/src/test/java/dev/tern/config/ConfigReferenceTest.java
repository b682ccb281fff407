package dev.tern.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code docs/configuration.md} equal to what {@link ConfigReference} renders from the settings. Run with
 * {@code -Dtern.docs.regenerate=true} to write the file instead of comparing it.
 */
class ConfigReferenceTest {
    /** Maven runs the tests of this module with the module directory as working directory. */
    private static final Path REFERENCE = Path.of("..", "docs", "configuration.md");
    private static final String REGENERATE =
            "./mvnw -q -B -pl config test -Dtest=ConfigReferenceTest -Dtern.docs.regenerate=true";

    @Test
    void docsConfigurationMdIsTheGeneratedReference() throws IOException {
        String generated = ConfigReference.render();
        if (Boolean.getBoolean("tern.docs.regenerate")) {
            Files.writeString(REFERENCE, generated, StandardCharsets.UTF_8);
        }
        assertThat(REFERENCE).as("docs/configuration.md is missing; create it with: " + REGENERATE).exists();
        String onDisk = Files.readString(REFERENCE, StandardCharsets.UTF_8);
        assertThat(onDisk)
                .as("docs/configuration.md differs from the settings in Settings.java; regenerate it with: "
                        + REGENERATE + " (then review and commit the diff)")
                .isEqualTo(generated);
    }

    @Test
    void everySettingHasASectionWithItsDescriptionValuesAndDefault() {
        String reference = ConfigReference.render();
        for (Setting<?> setting : Settings.all()) {
            assertThat(reference).contains("\n### " + setting.name() + "\n\n" + setting.description());
            assertThat(reference).contains("| [`" + setting.name() + "`](#" + setting.name() + ") |");
        }
        assertThat(reference)
                .contains("| [`local-port`](#local-port) | `53` | a whole number from 0 to 65535 |")
                .contains("- Values: IP addresses separated by commas, e.g. 127.0.0.1, ::1\n- Default: empty\n")
                .contains("- Values: `gsqlite3` (the only backend)");
    }

    @Test
    void describesTheFileSyntax() {
        assertThat(ConfigReference.render())
                .contains("`key=value`")
                .contains("`#` starts a comment")
                .contains("backslash")
                .contains("`key+=value`")
                .contains("`ternd --key=value`")
                .contains("(did you mean 'local-address'?)")
                .contains("is a warning");
    }

    @Test
    void listsThePowerDnsKeysThatAreOnlyWarnings() {
        String reference = ConfigReference.render();
        for (String name : PowerDnsSettings.NOT_IMPLEMENTED) {
            assertThat(reference).contains("`" + name + "`");
        }
    }
}
