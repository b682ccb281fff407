package dev.tern.server.events;

/** The kinds of per-zone background work, in the order they run when several are due at once. */
public enum EventType {
    /** Re-read the zone from SQL. */
    LOAD,
    /** Check the primaries for a newer serial and transfer it. */
    REFRESH,
    /** Stop serving a secondary zone whose primaries have been unreachable past SOA expire. */
    EXPIRE,
    /** Send NOTIFY to the zone's secondaries. */
    NOTIFY
}
