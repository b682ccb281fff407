package dev.tern.server;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.tern.config.ConfigException;
import dev.tern.config.ConfigLoader;
import dev.tern.config.Setting;
import dev.tern.config.Settings;
import dev.tern.config.TernConfig;

/**
 * Re-reads {@code tern.conf} on a reload, where that is safe: a file with problems is reported line by line and
 * changes nothing; {@code log-level} takes effect at once; every other changed setting is named as waiting for a
 * restart, so an operator never believes a change is live when it is not.
 */
final class ConfigReread {
    private static final Logger logger = LoggerFactory.getLogger(ConfigReread.class);

    private final Path file;
    private final List<String> overrides;
    private final TernConfig started;
    private String logLevel;

    /**
     * @param file the file ternd started with, or null when it started without one
     * @param overrides the --key=value of the command line, which still override the file
     * @param started the settings ternd runs with
     */
    ConfigReread(Path file, List<String> overrides, TernConfig started) {
        this.file = file;
        this.overrides = List.copyOf(overrides);
        this.started = started;
        this.logLevel = started.text(Settings.LOG_LEVEL);
    }

    /** Reads the file again, applies what can be applied, and logs what waits for a restart. */
    synchronized void run() {
        if (file == null) {
            logger.info("reload: ternd started without --config; no settings to re-read");
            return;
        }
        TernConfig fresh;
        try {
            fresh = new ConfigLoader().load(file, overrides);
        } catch (ConfigException e) {
            for (String problem : e.problems()) {
                logger.error("reload: {}", problem);
            }
            logger.error("reload: {} has {} problem(s); the running settings are kept", file, e.problems().size());
            return;
        }
        String level = fresh.text(Settings.LOG_LEVEL);
        if (!level.equals(logLevel)) {
            Logging.level(level);
            logger.info("reload: log-level {} -> {}", logLevel, level);
            logLevel = level;
        }
        List<String> pending = new ArrayList<>();
        for (Setting<?> setting : Settings.all()) {
            if (setting != Settings.LOG_LEVEL && !fresh.text(setting).equals(started.text(setting))) {
                pending.add(setting.name());
            }
        }
        if (!pending.isEmpty()) {
            logger.warn("reload: {} changed in {}; the running values stay until a restart (systemctl restart ternd)",
                    String.join(", ", pending), file);
        }
    }
}
