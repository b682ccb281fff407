package dev.tern.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fuzzes the {@code tern.conf} parser with any text. The property: {@link ConfigLoader#parse} returns a
 * configuration or throws {@link ConfigException}, never another exception; every problem and every warning starts
 * with {@code fuzz.conf:N: } for a line N of the file (a file of any text leaves no problem on a default).
 *
 * <p>Input: the file's bytes, read as {@link ConfigLoader#load(java.nio.file.Path, List)} reads them (UTF-8, lines
 * ended by LF, CR or CRLF). Inputs are in {@code ConfigLoaderFuzzTestInputs/parsesAnyFile/}.
 */
class ConfigLoaderFuzzTest {
    private static final Pattern LOCATION = Pattern.compile("fuzz\\.conf:(\\d+): .*", Pattern.DOTALL);

    @FuzzTest
    void parsesAnyFile(byte[] input) {
        List<String> lines = new String(input, StandardCharsets.UTF_8).lines().toList();
        try {
            TernConfig config = new ConfigLoader().parse("fuzz.conf", lines, List.of());
            config.warnings().forEach(warning -> checkLocation(warning, lines.size()));
        } catch (ConfigException e) {
            assertThat(e.problems()).isNotEmpty();
            e.problems().forEach(problem -> checkLocation(problem, lines.size()));
        }
    }

    private static void checkLocation(String message, int lineCount) {
        Matcher matcher = LOCATION.matcher(message);
        assertThat(matcher.matches()).as("file:line in '%s'", message).isTrue();
        assertThat(Integer.parseInt(matcher.group(1))).as("line of '%s'", message).isBetween(1, lineCount);
    }
}
