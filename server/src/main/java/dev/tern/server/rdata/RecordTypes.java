package dev.tern.server.rdata;

import org.xbill.DNS.Type;

/**
 * The one place Tern's extra record types are registered with dnsjava, so that {@code Record.fromString}, {@code
 * Master} and wire parsing build them instead of an opaque unknown record.
 */
public final class RecordTypes {
    /** PowerDNS's ALIAS, from its private-use range (RFC 6895 3.1: 65280-65534). */
    public static final int ALIAS = 65401;

    private static boolean registered;

    private RecordTypes() {
    }

    /**
     * Registers the types; safe to call any number of times from any thread. Call it before anything is parsed
     * (dnsjava's type table is a plain map, written here and only read afterwards).
     */
    public static synchronized void register() {
        if (registered) {
            return;
        }
        Type.register(Type.NID, "NID", NIDRecord::new);
        Type.register(Type.L32, "L32", L32Record::new);
        Type.register(Type.L64, "L64", L64Record::new);
        Type.register(Type.LP, "LP", LPRecord::new);
        Type.register(Type.EUI48, "EUI48", EUI48Record::new);
        Type.register(Type.EUI64, "EUI64", EUI64Record::new);
        Type.register(Type.CSYNC, "CSYNC", CSYNCRecord::new);
        Type.register(Type.ZONEMD, "ZONEMD", ZONEMDRecord::new);
        Type.register(Type.RKEY, "RKEY", RKEYRecord::new);
        Type.register(ALIAS, "ALIAS", ALIASRecord::new);
        registered = true;
    }
}
