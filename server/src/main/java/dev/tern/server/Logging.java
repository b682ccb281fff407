package dev.tern.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.JsonEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import org.slf4j.LoggerFactory;
import dev.tern.config.Settings;
import dev.tern.config.TernConfig;

/**
 * The log format. Before Logback starts, {@link #configure()} picks the text pattern: under systemd (the journal
 * adds timestamps) lines carry none, elsewhere they start with one. Once the configuration is read,
 * {@link #apply(TernConfig)} sets the level from {@code log-level} and, with {@code log-format=json}, swaps the
 * console encoder for Logback's JSON encoder: one object per line with the time, level, thread, logger, message
 * and any exception.
 */
final class Logging {
    /** The console appender's name in logback.xml. */
    private static final String CONSOLE = "STDOUT";

    private Logging() {
    }

    static void configure() {
        if (System.getProperty("tern.log.timestamp") == null) {
            boolean journal = System.getenv("JOURNAL_STREAM") != null;
            System.setProperty("tern.log.timestamp", journal ? "" : "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} ");
        }
    }

    /** Sets the level of every logger without one of its own (the root's): error, warn, info, debug or trace. */
    static void level(String level) {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext) {
            ((LoggerContext) LoggerFactory.getILoggerFactory()).getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
                    .setLevel(Level.toLevel(level, Level.INFO));
        }
    }

    @SuppressWarnings("unchecked")
    static void apply(TernConfig settings) {
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext)) {
            return; // another SLF4J binding (an embedding application's): its configuration is its own
        }
        level(settings.get(Settings.LOG_LEVEL));
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        Logger root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        if (!"json".equals(settings.get(Settings.LOG_FORMAT))) {
            return;
        }
        Appender<ILoggingEvent> appender = root.getAppender(CONSOLE);
        if (!(appender instanceof OutputStreamAppender)) {
            return; // an operator's own logback.xml (-Dlogback.configurationFile) decides the format itself
        }
        OutputStreamAppender<ILoggingEvent> console = (OutputStreamAppender<ILoggingEvent>) appender;
        JsonEncoder json = new JsonEncoder();
        json.setContext(context);
        json.setWithSequenceNumber(false);
        json.setWithNanoseconds(false);
        json.setWithContext(false);
        json.setWithMarkers(false);
        json.setWithMDC(false);
        json.setWithKVPList(false);
        json.setWithMessage(false);
        json.setWithArguments(false);
        json.setWithFormattedMessage(true);
        json.start();
        console.stop();
        console.setEncoder(json);
        console.start();
    }
}
