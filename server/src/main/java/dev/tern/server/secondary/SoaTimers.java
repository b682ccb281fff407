package dev.tern.server.secondary;

import java.time.Duration;
import java.time.Instant;

/**
 * Timer arithmetic of a secondary zone (RFC 1034 4.3.5, RFC 1996): after a successful check the next one is due
 * after SOA refresh; after a failure, after SOA retry, doubled with each further failure (capped) and jittered so
 * that many zones of one dead primary do not retry in step; the zone expires SOA expire after the last successful
 * check. Every value is clamped to the configured bounds. Pure: the caller gives the time and the random value.
 */
public record SoaTimers(Duration minRefresh, Duration maxRefresh, Duration minRetry, Duration maxRetry) {
    /** The most a retry interval grows by doubling: 2^5 times SOA retry, still under maxRetry. */
    static final int MAX_BACKOFF_SHIFT = 5;

    public SoaTimers {
        if (minRefresh.compareTo(maxRefresh) > 0) {
            throw new IllegalArgumentException("min refresh " + minRefresh + " (expected: <= max " + maxRefresh + ")");
        }
        if (minRetry.compareTo(maxRetry) > 0) {
            throw new IllegalArgumentException("min retry " + minRetry + " (expected: <= max " + maxRetry + ")");
        }
    }

    /** When to check again after a successful check (or transfer) at {@code now}. */
    public Instant nextRefresh(Instant now, long soaRefreshSeconds, double jitter) {
        Duration refresh = clamp(Duration.ofSeconds(soaRefreshSeconds), minRefresh, maxRefresh);
        // Up to 10% earlier, so zones loaded together spread out.
        return now.plus(refresh.minus(scaled(refresh, 0.1 * jitter)));
    }

    /** When to try again after the {@code failures}-th failure in a row (1 = the first) at {@code now}. */
    public Instant nextRetry(Instant now, long soaRetrySeconds, int failures, double jitter) {
        Duration retry = clamp(Duration.ofSeconds(soaRetrySeconds), minRetry, maxRetry);
        int shift = Math.min(Math.max(failures - 1, 0), MAX_BACKOFF_SHIFT);
        Duration backoff = clamp(retry.multipliedBy(1L << shift), minRetry, maxRetry);
        // Jitter: between 75% and 100% of the backoff.
        return now.plus(backoff.minus(scaled(backoff, 0.25 * jitter)));
    }

    /** The expire deadline after a successful check at {@code lastSuccess}: never clamped, it is the owner's word. */
    public static Instant expireAt(Instant lastSuccess, long soaExpireSeconds) {
        return lastSuccess.plusSeconds(soaExpireSeconds);
    }

    private static Duration scaled(Duration duration, double factor) {
        return Duration.ofMillis((long) (duration.toMillis() * Math.max(0, Math.min(1, factor))));
    }

    private static Duration clamp(Duration value, Duration min, Duration max) {
        return value.compareTo(min) < 0 ? min : value.compareTo(max) > 0 ? max : value;
    }
}
