package dev.tern.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One setting: its name in {@code tern.conf} (PowerDNS's name where the meaning is the same), its type,
 * its default as written in a config file, its allowed integer range, the words it may be (for a setting with a
 * closed set of values; empty for any other) and a one-line description.
 *
 * @param <T> the Java type of the parsed value
 */
public record Setting<T>(String name, SettingType type, String defaultText, long min, long max,
                         List<String> choices, String description, Class<T> javaType) {
    public Setting {
        requireNonNull(name, "name");
        requireNonNull(type, "type");
        requireNonNull(defaultText, "defaultText");
        choices = List.copyOf(requireNonNull(choices, "choices"));
        requireNonNull(description, "description");
        requireNonNull(javaType, "javaType");
        if (min > max) {
            throw new IllegalArgumentException("min: " + min + " (expected: <= max " + max + ")");
        }
    }

    /** What a valid value looks like, with the range for integers. */
    public String expected() {
        if (type == SettingType.INTEGER) {
            return "a whole number from " + min + " to " + max;
        }
        if (!choices.isEmpty()) {
            int last = choices.size() - 1;
            return last == 0 ? choices.get(0)
                    : String.join(", ", choices.subList(0, last)) + " or " + choices.get(last);
        }
        return type.expected();
    }
}
