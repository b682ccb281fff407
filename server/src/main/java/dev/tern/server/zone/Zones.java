package dev.tern.server.zone;

import static java.util.Objects.requireNonNull;

/**
 * The zone table in force. Queries read it without locks; the one zone-loading thread replaces it when zones are
 * added or removed.
 */
public final class Zones {
    private volatile ZoneTable table = ZoneTable.empty();

    public ZoneTable table() {
        return table;
    }

    public void replace(ZoneTable next) {
        this.table = requireNonNull(next, "next");
    }
}
