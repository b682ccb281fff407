package dev.tern.control.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Fuzzes the control protocol's line parser with any bytes a client may send. The line is decoded as the daemon
 * decodes it (the bytes before the first newline, as UTF-8). The property: {@link ControlRequest#parse} never throws;
 * the command is the first word in upper case and every word is non-empty and without a space; and the line
 * {@code ternctl} would send for the request parses to the same request.
 *
 * <p>Inputs are in {@code ControlRequestFuzzTestInputs/parsesAnyLine/}.
 */
class ControlRequestFuzzTest {
    @FuzzTest
    void parsesAnyLine(byte[] input) {
        int newline = 0;
        while (newline < input.length && input[newline] != '\n') {
            newline++;
        }
        String line = new String(Arrays.copyOf(input, newline), StandardCharsets.UTF_8);
        ControlRequest request = ControlRequest.parse(line);
        assertThat(request.command()).isEqualTo(request.command().toUpperCase(Locale.ROOT));
        assertThat(request.command()).doesNotContain(" ");
        if (request.command().isEmpty()) {
            assertThat(request.args()).isEmpty();
        }
        assertThat(request.args()).allSatisfy(word -> assertThat(word).isNotEmpty().doesNotContain(" "));
        assertThat(ControlRequest.parse(request.line())).isEqualTo(request);
    }
}
