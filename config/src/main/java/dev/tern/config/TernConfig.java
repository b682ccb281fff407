package dev.tern.config;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A validated configuration: the parsed value of every setting, defaults filled in, plus the warnings found while
 * reading it. Immutable; built by {@link ConfigLoader}.
 */
public final class TernConfig {
    private final Map<String, Object> values;
    private final Map<String, String> texts;
    private final List<String> warnings;

    TernConfig(Map<String, Object> values, Map<String, String> texts, List<String> warnings) {
        this.values = Map.copyOf(requireNonNull(values, "values"));
        this.texts = Map.copyOf(requireNonNull(texts, "texts"));
        this.warnings = List.copyOf(requireNonNull(warnings, "warnings"));
    }

    /** The configuration made of every default. */
    public static TernConfig defaults() {
        return new ConfigLoader().load(List.of());
    }

    /** The value of a setting. */
    public <T> T get(Setting<T> setting) {
        Object value = values.get(setting.name());
        if (value == null) {
            throw new IllegalArgumentException("setting: " + setting.name() + " (expected: one of Settings.all())");
        }
        return setting.javaType().cast(value);
    }

    /** The value of a setting as written (or its default), for {@code current-config}. */
    public String text(Setting<?> setting) {
        return texts.get(setting.name());
    }

    /** Settings whose value differs from the default, as written. */
    public Map<String, String> changed() {
        Map<String, String> changed = new LinkedHashMap<>();
        for (Setting<?> setting : Settings.all()) {
            String text = texts.get(setting.name());
            if (!setting.defaultText().equals(text)) {
                changed.put(setting.name(), text);
            }
        }
        return changed;
    }

    /** Lines worth telling the operator that did not stop the configuration from loading. */
    public List<String> warnings() {
        return warnings;
    }
}
