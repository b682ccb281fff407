package dev.tern.control.protocol;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One control command: the first word upper-cased (as PowerDNS does, so {@code rping} and {@code RPING} are the
 * same), the other words as given. Words are separated by spaces only; tabs belong to a word.
 */
public record ControlRequest(String command, List<String> args) {
    /** Longest line accepted, as PowerDNS's buffer. */
    public static final int MAX_LINE = 1_024_000;

    public ControlRequest {
        requireNonNull(command, "command");
        args = List.copyOf(args);
    }

    /** Parses one line (without its newline); trailing white space is dropped. */
    public static ControlRequest parse(String line) {
        List<String> words = new ArrayList<>();
        for (String word : line.strip().split(" ")) {
            if (!word.isEmpty()) {
                words.add(word);
            }
        }
        if (words.isEmpty()) {
            return new ControlRequest("", List.of());
        }
        return new ControlRequest(words.get(0).toUpperCase(Locale.ROOT), words.subList(1, words.size()));
    }

    /** The line to send for this request. */
    public String line() {
        return args.isEmpty() ? command : command + " " + String.join(" ", args);
    }
}
