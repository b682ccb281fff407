package dev.tern.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads {@code tern.conf} in the syntax of {@code pdns.conf}: {@code key=value} lines, {@code #} comments, a
 * trailing backslash continues a line, {@code key+=value} appends to a list. Command-line {@code --key=value}
 * overrides come after the file. Every problem is collected, then reported together as
 * {@code file:line: what is wrong (expected: ...)}.
 */
public final class ConfigLoader {
    private static final String COMMAND_LINE = "command line";

    /** Loads the file, then applies the overrides ({@code --key=value} or {@code key=value}). */
    public TernConfig load(Path file, List<String> overrides) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new ConfigException(file + ": no such file (expected: a tern.conf; start with --config=FILE)");
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read: " + e.getMessage());
        }
        return parse(file.toString(), lines, overrides);
    }

    /** Defaults with the overrides applied, no file. */
    public TernConfig load(List<String> overrides) {
        return parse(null, List.of(), overrides);
    }

    /** Parses the text of a config file; {@code source} names it in messages. */
    public TernConfig parse(String source, List<String> lines, List<String> overrides) {
        Parse parse = new Parse();
        int startLine = 0;
        StringBuilder pending = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (pending == null) {
                pending = new StringBuilder();
                startLine = i + 1;
            }
            if (line.endsWith("\\")) {
                pending.append(line, 0, line.length() - 1);
                continue;
            }
            pending.append(line);
            parse.line(source, startLine, pending.toString(), false);
            pending = null;
        }
        if (pending != null) {
            parse.line(source, startLine, pending.toString(), false);
        }
        for (String override : overrides) {
            parse.line(COMMAND_LINE, 0, override.startsWith("--") ? override.substring(2) : override, true);
        }
        return parse.finish();
    }

    /** The state of one parse: values as written, problems and warnings in order. */
    private static final class Parse {
        private final Map<String, String> texts = new LinkedHashMap<>();
        private final Map<String, String> where = new HashMap<>();
        private final List<String> problems = new ArrayList<>();
        private final List<String> warnings = new ArrayList<>();

        void line(String source, int number, String raw, boolean commandLine) {
            String location = commandLine ? COMMAND_LINE : source + ":" + number;
            String line = stripComment(raw).trim();
            if (line.isEmpty()) {
                return;
            }
            int eq = line.indexOf('=');
            if (eq <= 0) {
                problems.add(location + ": '" + line + "' is not a setting (expected: key=value)");
                return;
            }
            boolean append = line.charAt(eq - 1) == '+';
            String key = line.substring(0, append ? eq - 1 : eq).trim();
            String value = line.substring(eq + 1).trim();
            Optional<Setting<?>> setting = Settings.byName(key);
            if (setting.isEmpty()) {
                if (PowerDnsSettings.NOT_IMPLEMENTED.contains(key)) {
                    warnings.add(location + ": '" + key + "' is a PowerDNS setting that Tern does not implement;"
                            + " the line is ignored");
                } else {
                    problems.add(location + ": unknown setting '" + key + "'" + suggestion(key));
                }
                return;
            }
            String name = setting.get().name();
            if (append && texts.containsKey(name) && !texts.get(name).isEmpty()) {
                value = texts.get(name) + ", " + value;
            }
            texts.put(name, value);
            where.put(name, location);
        }

        TernConfig finish() {
            Map<String, Object> values = new HashMap<>();
            Map<String, String> allTexts = new HashMap<>();
            for (Setting<?> setting : Settings.all()) {
                String text = texts.getOrDefault(setting.name(), setting.defaultText());
                String location = where.getOrDefault(setting.name(), "default");
                allTexts.put(setting.name(), text);
                try {
                    values.put(setting.name(), Validation.value(setting, text));
                } catch (IllegalArgumentException e) {
                    problems.add(location + ": " + setting.name() + ": " + e.getMessage()
                            + " (expected: " + setting.expected() + ")");
                }
            }
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
            return new TernConfig(values, allTexts, warnings);
        }

        private static String stripComment(String line) {
            int hash = line.indexOf('#');
            return hash < 0 ? line : line.substring(0, hash);
        }

        private static String suggestion(String key) {
            String best = null;
            int bestDistance = Integer.MAX_VALUE;
            for (Setting<?> setting : Settings.all()) {
                int distance = Validation.editDistance(key, setting.name());
                if (distance < bestDistance) {
                    bestDistance = distance;
                    best = setting.name();
                }
            }
            if (best != null && bestDistance <= Math.max(2, key.length() / 3)) {
                return " (did you mean '" + best + "'?)";
            }
            return " (expected: one of the settings in docs/configuration.md)";
        }
    }
}
