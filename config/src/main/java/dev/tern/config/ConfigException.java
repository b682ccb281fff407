package dev.tern.config;

import java.util.List;

/** The configuration cannot be used; carries every problem found, each with its file:line. */
public final class ConfigException extends RuntimeException {
    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join(System.lineSeparator(), problems));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /** Each problem as one line, {@code file:line: what is wrong (expected: ...)}. */
    public List<String> problems() {
        return problems;
    }
}
