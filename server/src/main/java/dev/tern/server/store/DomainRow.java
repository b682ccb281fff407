package dev.tern.server.store;

import static java.util.Objects.requireNonNull;

import org.xbill.DNS.Name;
import dev.tern.server.zone.ZoneKind;

/**
 * One row of PowerDNS's {@code domains} table with the content of its apex SOA row (null when there is none), as
 * read for loading zones and for noticing changes made by other tools.
 *
 * @param masters the {@code master} column as stored (primaries of a secondary), or null
 */
public record DomainRow(long id, Name name, ZoneKind kind, String masters, String soaContent) {
    public DomainRow {
        requireNonNull(name, "name");
        requireNonNull(kind, "kind");
    }
}
