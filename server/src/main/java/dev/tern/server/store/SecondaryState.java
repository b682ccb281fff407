package dev.tern.server.store;

import java.time.Instant;

/**
 * What a secondary zone must remember across restarts (table {@code tern_zone_state}): the last successful check,
 * the expire deadline, the next planned refresh, failures in a row, and the last outcome in words.
 *
 * @param lastSuccess null when no check ever succeeded
 * @param expireAt null when the zone has never been fresh
 */
public record SecondaryState(long domainId, Instant lastSuccess, Instant expireAt, Instant nextRefresh,
                             int failures, String lastPrimary, String lastResult) {
    public static SecondaryState empty(long domainId) {
        return new SecondaryState(domainId, null, null, null, 0, null, null);
    }
}
