package dev.tern.server.zone;

import static java.util.Objects.requireNonNull;

import org.xbill.DNS.Name;

/**
 * A zone Tern serves: its identity (name, database id, role) and the snapshot served now. The snapshot is swapped
 * atomically by the one thread that loads the zone; queries read it without locks.
 */
public final class Zone {
    private final Name name;
    private final long id;
    private final ZoneKind kind;
    private volatile ZoneSnapshot snapshot;
    private volatile boolean expired;
    private volatile java.time.Instant expireAt;
    private volatile java.util.List<ZoneChange> history = java.util.List.of();

    public Zone(Name name, long id, ZoneKind kind, ZoneSnapshot snapshot) {
        this.name = requireNonNull(name, "name");
        this.id = id;
        this.kind = requireNonNull(kind, "kind");
        if (snapshot != null && !snapshot.origin().equals(name)) {
            throw new IllegalArgumentException("snapshot: " + snapshot.origin() + " (expected: " + name + ")");
        }
        this.snapshot = snapshot;
    }

    public Name name() {
        return name;
    }

    public long id() {
        return id;
    }

    public ZoneKind kind() {
        return kind;
    }

    /** The snapshot served now, or null when the zone has no data yet (a secondary never transferred). */
    public ZoneSnapshot snapshot() {
        return snapshot;
    }

    /** Makes a new snapshot the one served. */
    public void publish(ZoneSnapshot next) {
        requireNonNull(next, "next");
        if (!next.origin().equals(name)) {
            throw new IllegalArgumentException("snapshot: " + next.origin() + " (expected: " + name + ")");
        }
        this.snapshot = next;
    }

    /**
     * The EDNS EXPIRE value (RFC 7314) this zone has now: for a secondary zone the seconds left before it expires,
     * for any other the SOA expire field; -1 when there is no data.
     */
    public long expireSeconds(java.time.Instant now) {
        ZoneSnapshot current = snapshot;
        if (current == null) {
            return -1;
        }
        java.time.Instant at = expireAt;
        if (kind == ZoneKind.SECONDARY && at != null) {
            return Math.max(0, java.time.Duration.between(now, at).getSeconds());
        }
        return current.soa().getExpire();
    }

    /** When this secondary zone expires unless refreshed (null: unknown, or not a secondary). */
    public void setExpireAt(java.time.Instant value) {
        this.expireAt = value;
    }

    /**
     * The journaled changes that lead up to the served serial, oldest first, for IXFR-out; set before the snapshot it
     * ends at is published, so a reader that finds it does not end at {@code snapshot().serial()} answers with AXFR.
     */
    public java.util.List<ZoneChange> history() {
        return history;
    }

    public void setHistory(java.util.List<ZoneChange> changes) {
        this.history = java.util.List.copyOf(changes);
    }

    /**
     * True when this secondary zone is past its SOA expire without a successful check: it answers SERVFAIL
     * (RFC 1034 4.3.5) until a primary answers again.
     */
    public boolean isExpired() {
        return expired;
    }

    public void setExpired(boolean value) {
        this.expired = value;
    }

    @Override
    public String toString() {
        return name.toString();
    }
}
