package dev.tern.server.zone;

import java.util.Locale;

/** The role of a zone, stored in PowerDNS's {@code domains.type} column with PowerDNS's legacy words. */
public enum ZoneKind {
    NATIVE("NATIVE"),
    PRIMARY("MASTER"),
    SECONDARY("SLAVE"),
    PRODUCER("PRODUCER"),
    CONSUMER("CONSUMER");

    private final String column;

    ZoneKind(String column) {
        this.column = column;
    }

    /** The word written to {@code domains.type}: always PowerDNS's upper-case legacy word. */
    public String column() {
        return column;
    }

    /**
     * Reads {@code domains.type} case-insensitively, accepting the new words too; anything else is NATIVE, as in
     * PowerDNS.
     */
    public static ZoneKind fromColumn(String text) {
        if (text == null) {
            return NATIVE;
        }
        switch (text.trim().toUpperCase(Locale.ROOT)) {
            case "MASTER": case "PRIMARY":
                return PRIMARY;
            case "SLAVE": case "SECONDARY":
                return SECONDARY;
            case "PRODUCER":
                return PRODUCER;
            case "CONSUMER":
                return CONSUMER;
            default:
                return NATIVE;
        }
    }
}
