package dev.tern.server.store;

import static java.util.Objects.requireNonNull;

/**
 * One record as PowerDNS stores it in the {@code records} table: owner lower case without the trailing dot, the
 * type mnemonic (null for an empty non-terminal row), content in presentation format without trailing dots, and
 * the MX/SRV priority split off into {@code prio}.
 */
public record RecordRow(String name, String type, String content, long ttl, int prio) {
    public RecordRow {
        requireNonNull(name, "name");
    }
}
