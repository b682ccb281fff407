package dev.tern.server;

/**
 * Chooses the log format before Logback starts: under systemd (the journal adds timestamps) lines carry none,
 * elsewhere they start with one.
 */
final class Logging {
    private Logging() {
    }

    static void configure() {
        if (System.getProperty("tern.log.timestamp") == null) {
            boolean journal = System.getenv("JOURNAL_STREAM") != null;
            System.setProperty("tern.log.timestamp", journal ? "" : "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} ");
        }
    }
}
