package dev.tern.server.store;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What the refresh of a secondary zone reads and writes besides its records: the timers per zone, the MSS learned per
 * primary, and the zone's metadata and TSIG keys. Blocking; worker threads only; failures are {@link StoreException}s.
 * {@link SecondaryStore} is the one implementation; the interface is the seam tests wrap to fail a call.
 */
public interface ZoneStateStore {
    SecondaryState state(long domainId);

    /** Saves the state, and on success ({@code fresh}) sets {@code domains.last_check} as PowerDNS does. */
    void save(SecondaryState state, boolean fresh);

    /** As {@link #save(SecondaryState, boolean)}, inside the transaction that writes the zone this state is of. */
    void save(ZoneTransaction transaction, SecondaryState state, boolean fresh);

    /** The MSS learned for a primary ({@code ip:port}), or 0. */
    int mss(String primary);

    void rememberMss(String primary, int mss, Instant now);

    /** The values of one metadata kind of a zone, in row order. */
    List<String> metadata(long domainId, String kind);

    /** The TSIG key of this name. */
    Optional<TsigKey> tsigKey(String name);
}
