package dev.tern.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import dev.tern.config.ConfigLoader;
import dev.tern.config.TernConfig;

/**
 * Loads every configuration example in {@code docs/*.md}, so the docs cannot drift from the parser. An example is
 * a fenced block tagged {@code ini} (must load without problems or warnings) or {@code ini warnings} (must load,
 * with at least one warning).
 */
class DocsExamplesTest {
    /** Maven runs the tests of this module with the module directory as working directory. */
    private static final Path DOCS = Path.of("..", "docs");

    /** One fenced config block: where it is, its tag, and its lines. */
    record Example(String page, int firstLine, boolean warnings, List<String> lines) {
        @Override
        public String toString() {
            return "docs/" + page + ":" + firstLine;
        }
    }

    static List<Example> examples() throws IOException {
        List<Path> pages;
        try (Stream<Path> files = Files.list(DOCS)) {
            pages = files.filter(p -> p.getFileName().toString().endsWith(".md")).sorted().toList();
        }
        List<Example> examples = new ArrayList<>();
        for (Path page : pages) {
            examples.addAll(examples(page.getFileName().toString(),
                    Files.readAllLines(page, StandardCharsets.UTF_8)));
        }
        return examples;
    }

    /** The config blocks of one page; a fence may be indented (inside a list item) and may use ``` or ~~~. */
    static List<Example> examples(String page, List<String> lines) {
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.startsWith("```") && !line.startsWith("~~~")) {
                continue;
            }
            String fence = line.substring(0, 3);
            String[] info = line.substring(3).strip().split("\\s+");
            int start = i + 1;
            int end = start;
            while (end < lines.size() && !lines.get(end).strip().equals(fence)) {
                end++;
            }
            if (info[0].equals("ini")) {
                assertThat(info.length == 1 || (info.length == 2 && info[1].equals("warnings")))
                        .as("docs/%s:%d: config example tagged '%s' (expected: 'ini' or 'ini warnings')", page, i + 1,
                                line.substring(3).strip())
                        .isTrue();
                examples.add(new Example(page, start + 1, info.length == 2, lines.subList(start, end)));
            }
            i = end;
        }
        return examples;
    }

    @Test
    void theDocsHoldConfigExamplesOfBothKinds() throws IOException {
        List<Example> examples = examples();
        assertThat(examples).filteredOn(e -> !e.warnings()).hasSizeGreaterThanOrEqualTo(2);
        assertThat(examples).filteredOn(Example::warnings).isNotEmpty();
    }

    @Test
    void findsIndentedAndTaggedFencesAndSkipsOtherLanguages() {
        List<Example> found = examples("page.md", List.of(
                "text", "```sh", "local-port=1", "```", "", "  ```ini", "  local-port=53", "  ```",
                "~~~ini warnings", "setuid=pdns", "~~~"));
        assertThat(found).extracting(Example::toString).containsExactly("docs/page.md:7", "docs/page.md:10");
        assertThat(found.get(0).lines()).containsExactly("  local-port=53");
        assertThat(found.get(1).warnings()).isTrue();
    }

    @TestFactory
    Stream<DynamicTest> everyConfigExampleLoadsAndPassesCheckConfig() throws IOException {
        return examples().stream().map(example -> DynamicTest.dynamicTest(example.toString(), () -> {
            // Blank lines in front keep the line numbers of problems equal to those of the page.
            List<String> lines = new ArrayList<>(Collections.nCopies(example.firstLine() - 1, ""));
            lines.addAll(example.lines());
            TernConfig config = new ConfigLoader().parse("docs/" + example.page(), lines, List.of());
            if (example.warnings()) {
                assertThat(config.warnings()).as(example + ": tagged 'ini warnings'").isNotEmpty();
            } else {
                assertThat(config.warnings()).as(example + ": warnings (tag the block 'ini warnings' if meant)")
                        .isEmpty();
            }
            Path file = Files.createTempFile("docs-example", ".conf");
            try {
                Files.write(file, example.lines(), StandardCharsets.UTF_8);
                MainTest.Run run = MainTest.ternd("--config=" + file, "--check-config");
                assertThat(run.exitCode()).as(example + ": ternd --check-config said " + run.err()).isZero();
                assertThat(run.out()).contains(" is valid");
            } finally {
                Files.delete(file);
            }
        }));
    }
}
