package dev.tern.server.events;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TSIG;
import dev.tern.config.Netmask;
import dev.tern.server.log.LogRateLimit;
import dev.tern.server.metrics.TernMetrics;
import dev.tern.server.query.NotifyReceiver;
import dev.tern.server.secondary.Primary;
import dev.tern.server.secondary.Refresh;
import dev.tern.server.secondary.RefreshOutcome;
import dev.tern.server.secondary.SoaTimers;
import dev.tern.server.store.DomainRow;
import dev.tern.server.store.SecondaryState;
import dev.tern.server.store.ZoneStateStore;
import dev.tern.server.store.StoreException;
import dev.tern.server.store.ZoneStore;
import dev.tern.server.store.ZoneTransaction;
import dev.tern.server.zone.Problems;
import dev.tern.server.zone.Zone;
import dev.tern.server.zone.ZoneKind;
import dev.tern.server.zone.ZoneSnapshot;
import dev.tern.server.zone.Zones;

/**
 * The secondary side of the daemon: knows every secondary zone's primaries and timers, runs REFRESH and EXPIRE
 * events, turns each refresh outcome into the next plan (refresh after SOA refresh, retry with backoff, expire
 * after SOA expire), and accepts NOTIFY from the zones' primaries. State is persisted, so a restart neither
 * resets expiry nor checks every zone at once.
 */
public final class Secondaries implements EventHandler, NotifyReceiver {
    private static final Logger logger = LoggerFactory.getLogger(Secondaries.class);
    /** First checks after start are spread over at most this long. */
    private static final Duration STARTUP_SPREAD = Duration.ofSeconds(30);
    /** Retry interval of a zone that has no SOA yet to take it from. */
    private static final long RETRY_WITHOUT_SOA = 60;

    private final ZoneStore store;
    private final ZoneStateStore stateStore;
    private final Zones zones;
    private final Refresh refresh;
    private final SoaTimers timers;
    private final Clock clock;
    private final Random random;
    private final TernMetrics metrics;
    private final NotifyIn notifyIn;
    private final Map<Name, SecondaryZone> secondaries = new ConcurrentHashMap<>();
    private ZoneEvents events;

    public Secondaries(ZoneStore store, ZoneStateStore stateStore, Zones zones, Refresh refresh, SoaTimers timers,
                       Clock clock, Random random) {
        this(store, stateStore, zones, refresh, timers, clock, random, List.of(), TernMetrics.inMemory(), null);
    }

    /**
     * @param allowNotifyFrom addresses besides a zone's primaries whose NOTIFY is accepted
     * @param logLimit the rate limit on lines logged per NOTIFY; null for one of its own
     */
    public Secondaries(ZoneStore store, ZoneStateStore stateStore, Zones zones, Refresh refresh, SoaTimers timers,
                       Clock clock, Random random, List<Netmask> allowNotifyFrom, TernMetrics metrics,
                       LogRateLimit logLimit) {
        this.metrics = requireNonNull(metrics, "metrics");
        this.notifyIn = new NotifyIn(secondaries::get, () -> events, allowNotifyFrom, metrics,
                logLimit != null ? logLimit : LogRateLimit.standard(clock, metrics.registry()));
        this.store = requireNonNull(store, "store");
        this.stateStore = requireNonNull(stateStore, "stateStore");
        this.zones = requireNonNull(zones, "zones");
        this.refresh = requireNonNull(refresh, "refresh");
        this.timers = requireNonNull(timers, "timers");
        this.clock = requireNonNull(clock, "clock");
        this.random = requireNonNull(random, "random");
    }

    /** The NOTIFY receiver of a daemon started with {@code secondary=no}: refuses, and says why in the log. */
    public static NotifyReceiver disabled(LogRateLimit logLimit) {
        return NotifyIn.disabled(logLimit);
    }

    public void attach(ZoneEvents zoneEvents) {
        this.events = requireNonNull(zoneEvents, "zoneEvents");
    }

    /** Brings the secondary zones in line with SQL: new ones get their first check planned. Worker thread. */
    public void reconcile() {
        Map<Name, DomainRow> rows = new HashMap<>();
        List<DomainRow> domains;
        try {
            domains = store.domains();
        } catch (StoreException e) {
            // At start too: the daemon serves what it loaded and the next poll tries again.
            logger.warn("cannot read the zone list, secondary zones are checked after the next poll: {}",
                    e.getMessage());
            return;
        }
        for (DomainRow row : domains) {
            if (row.kind() == ZoneKind.SECONDARY) {
                rows.put(row.name(), row);
            }
        }
        List<Name> added = new ArrayList<>();
        for (DomainRow row : rows.values()) {
            SecondaryZone existing = secondaries.get(row.name());
            SecondaryZone.Config config;
            SecondaryState state;
            try {
                config = SecondarySettings.read(row, stateStore);
                state = existing != null ? existing.state : stateStore.state(row.id());
            } catch (StoreException e) {
                // One zone's settings or timers unreadable now: the other zones go on, this one keeps what it had
                // (or waits, when new) until the next poll reads them.
                logger.warn("[{}] cannot read its settings or timers, {} until the next poll: {}", row.name(),
                        existing != null ? "keeping the ones read before" : "not checked", e.getMessage());
                continue;
            }
            if (existing != null) {
                existing.config = config;
                continue;
            }
            SecondaryZone zone = new SecondaryZone(config, state);
            secondaries.put(row.name(), zone);
            added.add(row.name());
        }
        for (Name name : new ArrayList<>(secondaries.keySet())) {
            if (!rows.containsKey(name)) {
                secondaries.remove(name);
                events.forget(name);
            }
        }
        Instant now = clock.instant();
        long spreadMillis = Math.min(STARTUP_SPREAD.toMillis(), added.size() * 200L);
        for (Name name : added) {
            SecondaryZone zone = secondaries.get(name);
            SecondaryState state = zone.state;
            Zone served = zones.table().get(name);
            if (served != null) {
                served.setExpireAt(state.expireAt());
            }
            if (state.expireAt() != null) {
                events.plan(name, EventType.EXPIRE, state.expireAt());
            }
            Instant first = state.nextRefresh() != null && state.nextRefresh().isAfter(now) ? state.nextRefresh()
                    : now.plusMillis(spreadMillis == 0 ? 0 : (long) (random.nextDouble() * spreadMillis));
            events.plan(name, EventType.REFRESH, first);
        }
    }

    @Override
    public void handle(Name name, EventType type) {
        SecondaryZone secondary = secondaries.get(name);
        Zone zone = zones.table().get(name);
        if (secondary == null) {
            return;
        }
        if (zone == null) {
            // In domains, but not (yet) in the zone table: the zone list could not be read. The next poll loads it;
            // keep the refresh planned and tell a waiting operator now, instead of losing the plan.
            if (type == EventType.REFRESH) {
                events.plan(name, EventType.REFRESH, clock.instant().plusSeconds(RETRY_WITHOUT_SOA));
                RefreshOutcome.Failed failed = new RefreshOutcome.Failed(List.of(new RefreshOutcome.Attempt(null,
                        "refresh", dev.tern.server.xfr.TransferResult.Failure.STORE, "the zone is not loaded yet"
                        + " (the zone list could not be read from the database); next try in " + RETRY_WITHOUT_SOA
                        + " s")));
                List<java.util.concurrent.CompletableFuture<RefreshOutcome>> waiting =
                        new ArrayList<>(secondary.waiters);
                secondary.waiters.removeAll(waiting);
                RefreshMetrics.record(metrics, failed);
                waiting.forEach(waiter -> waiter.complete(failed));
            }
            return;
        }
        if (type == EventType.REFRESH) {
            refresh(name, zone, secondary);
        } else if (type == EventType.EXPIRE) {
            expire(name, zone, secondary);
        }
    }

    private void refresh(Name name, Zone zone, SecondaryZone secondary) {
        List<java.util.concurrent.CompletableFuture<RefreshOutcome>> waiting = new ArrayList<>(secondary.waiters);
        secondary.waiters.removeAll(waiting);
        RefreshOutcome outcome;
        try {
            SecondaryZone.Config config = secondary.config;
            if (config.tsigName() != null && config.tsig() == null) {
                config = SecondarySettings.read(new DomainRow(zone.id(), name, zone.kind(),
                        Primary.toColumn(config.primaries()), null), stateStore);
                secondary.config = config;
            }
            outcome = refresh.run(name, zone.snapshot(), secondary.primariesInOrder(), config.tsig(), true,
                    config.source());
        } catch (StoreException e) {
            // The database failing under the zone's settings: a failed refresh like any other, retried.
            outcome = new RefreshOutcome.Failed(List.of(new RefreshOutcome.Attempt(null, "refresh",
                    dev.tern.server.xfr.TransferResult.Failure.STORE, "cannot read the zone's settings (metadata,"
                    + " TSIG key) from the database: " + e.getMessage())));
        } catch (RuntimeException e) {
            // A bug: it still ends as a failed refresh, so a waiting operator hears of it at once and the zone gets
            // its retry, instead of a lost event and a timeout.
            logger.debug("[{}] refresh failed", name, e);
            outcome = new RefreshOutcome.Failed(List.of(new RefreshOutcome.Attempt(null, "refresh",
                    dev.tern.server.xfr.TransferResult.Failure.INTERNAL, "an unexpected error inside Tern: "
                    + Problems.describe(e) + " (the debug log has the details)")));
        }
        try {
            plan(name, zone, secondary, outcome);
        } finally {
            RefreshOutcome told = outcome;
            waiting.forEach(waiter -> waiter.complete(told));
        }
    }

    /** Records an outcome and plans what follows it: the next refresh (or retry) and the expiry. */
    private void plan(Name name, Zone zone, SecondaryZone secondary, RefreshOutcome outcome) {
        SecondaryState committed = secondary.committing;
        secondary.committing = null;
        secondary.notifiedBy = null;
        secondary.lastOutcome = outcome;
        secondary.remember(outcome);
        RefreshMetrics.record(metrics, outcome);
        Instant now = clock.instant();
        SecondaryState old = secondary.state;
        SecondaryState next;
        ZoneSnapshot after = zone.snapshot();
        if (outcome instanceof RefreshOutcome.Failed) {
            int failures = old.failures() + 1;
            long retry = after == null ? RETRY_WITHOUT_SOA : after.soa().getRetry();
            Instant at = timers.nextRetry(now, retry, failures, random.nextDouble());
            RefreshOutcome.Attempt last = ((RefreshOutcome.Failed) outcome).last();
            next = new SecondaryState(old.domainId(), old.lastSuccess(), old.expireAt(), at, failures,
                    last.primary() == null ? old.lastPrimary() : last.primary().toString(), outcome.describe());
            logger.warn("[{}] {}; next try in {} s", name, outcome.describe(), Duration.between(now, at).toSeconds());
        } else {
            SOARecord soa = after.soa();
            // A transfer's state was committed with its records; an up-to-date check's is saved below.
            next = outcome instanceof RefreshOutcome.Transferred && committed != null ? committed
                    : fresh(old, soa, outcome, now);
            logger.info("[{}] {}", name, outcome.describe());
            if (zone.isExpired()) {
                zone.setExpired(false);
                logger.info("[{}] no longer expired: serving serial {} again", name, soa.getSerial());
            }
            events.plan(name, EventType.EXPIRE, next.expireAt());
        }
        secondary.state = next;
        zone.setExpireAt(next.expireAt());
        secondary.lastCheck = now;
        events.plan(name, EventType.REFRESH, next.nextRefresh());
        if (next == committed) {
            return;
        }
        try {
            stateStore.save(next, next.failures() == 0);
        } catch (StoreException e) {
            logger.warn("[{}] the refresh timers are not saved, so a restart checks the zone at once: {}", name,
                    e.getMessage());
        }
    }

    /** The state after a successful check at {@code now}: refresh and expire timers from the zone's SOA. */
    private SecondaryState fresh(SecondaryState old, SOARecord soa, RefreshOutcome outcome, Instant now) {
        Instant at = timers.nextRefresh(now, soa.getRefresh(), random.nextDouble());
        // RFC 7314 4: a primary that is itself a secondary says how long its copy has left; use that.
        long offered = outcome instanceof RefreshOutcome.UpToDate
                ? ((RefreshOutcome.UpToDate) outcome).expire() : ((RefreshOutcome.Transferred) outcome).expire();
        Instant expireAt = SoaTimers.expireAt(now, offered >= 0 ? offered : soa.getExpire());
        Primary primary = outcome instanceof RefreshOutcome.UpToDate
                ? ((RefreshOutcome.UpToDate) outcome).primary() : ((RefreshOutcome.Transferred) outcome).primary();
        return new SecondaryState(old.domainId(), now, expireAt, at, 0, primary.toString(), outcome.describe());
    }

    /**
     * Writes the state a transfer leads to inside the transfer's own transaction ({@link StoreZoneWriter}), so the
     * timers and {@code domains.last_check} commit with the records; the outcome then takes this state as it is.
     * Zone worker only, during {@link #handle}.
     */
    public void writeState(ZoneTransaction transaction, Name name, SOARecord soa,
                           RefreshOutcome.Transferred outcome) {
        SecondaryZone secondary = secondaries.get(name);
        if (secondary == null) {
            return;
        }
        SecondaryState next = fresh(secondary.state, soa, outcome, clock.instant());
        stateStore.save(transaction, next, true);
        // Taken by plan() only when this transaction commits and the refresh ends Transferred; a later transfer of
        // the same refresh (AXFR after a failed IXFR write) replaces it.
        secondary.committing = next;
    }

    /** Why a refresh cannot be requested for a zone, or null when it can. */
    public String refusal(Name name) {
        if (!secondaries.containsKey(name)) {
            Zone zone = zones.table().get(name);
            return zone == null ? "zone " + name + " is unknown"
                    : "zone " + name + " is not a secondary zone (its type is " + zone.kind().column() + ")";
        }
        if (secondaries.get(name).config.primaries().isEmpty()) {
            return "zone " + name + " has no usable primary in domains.master";
        }
        return null;
    }

    /**
     * Plans a refresh now (an operator's {@code retrieve}); the future completes with the outcome of the refresh
     * that starts after this call: the next one, even when one is running now.
     *
     * @param primary a primary to try first, or null
     */
    public java.util.concurrent.CompletableFuture<RefreshOutcome> requestRefresh(Name name, Primary primary) {
        java.util.concurrent.CompletableFuture<RefreshOutcome> result = new java.util.concurrent.CompletableFuture<>();
        SecondaryZone secondary = secondaries.get(name);
        String refusal = refusal(name);
        if (refusal != null) {
            result.completeExceptionally(new IllegalArgumentException(refusal));
            return result;
        }
        if (primary != null) {
            secondary.notifiedBy = primary;
        }
        secondary.waiters.add(result);
        events.planNow(name, EventType.REFRESH);
        return result;
    }

    /** Whether a refresh of this zone is running now. */
    public boolean isRefreshing(Name name) {
        return events.isRunning(name);
    }

    /** A view of one secondary zone for status commands, or null when it is not one. */
    public SecondaryStatus status(Name name) {
        SecondaryZone zone = secondaries.get(name);
        if (zone == null) {
            return null;
        }
        return new SecondaryStatus(zone.config.primaries(), zone.state, zone.lastOutcome, zone.lastCheck,
                events.planned(name, EventType.REFRESH).orElse(null), events.isRunning(name), zone.lastTransfer,
                zone.lastFailure, zone.primarySerials);
    }

    private void expire(Name name, Zone zone, SecondaryZone secondary) {
        Instant expireAt = secondary.state.expireAt();
        Instant now = clock.instant();
        if (expireAt == null || zone.isExpired()) {
            return;
        }
        if (now.isBefore(expireAt)) {
            events.plan(name, EventType.EXPIRE, expireAt);
            return;
        }
        zone.setExpired(true);
        logger.error("[{}] expired: no successful refresh since {} (SOA expire passed at {}); answering SERVFAIL"
                + " until a primary answers; last: {}", name, secondary.state.lastSuccess(), expireAt,
                secondary.state.lastResult());
    }

    /** NOTIFY for our secondary zones: see {@link NotifyIn}. */
    @Override
    public int receive(Message notify, byte[] wire, InetAddress source) {
        return notifyIn.receive(notify, wire, source);
    }

    /**
     * PowerDNS's {@code xfr-queue}: one line {@code zone. ip} per refresh that is due and waits for its turn, the ip
     * being the primary tried first (without port, as PowerDNS prints it).
     */
    public List<String> xfrQueue() {
        List<String> lines = new ArrayList<>();
        for (Name name : events.waiting(EventType.REFRESH)) {
            SecondaryZone zone = secondaries.get(name);
            if (zone != null && !zone.primariesInOrder().isEmpty()) {
                lines.add(name + " " + zone.primariesInOrder().get(0).address().getAddress().getHostAddress());
            }
        }
        return lines;
    }

    /** The last refresh outcome of a zone, for status; null when none ran yet. */
    public RefreshOutcome lastOutcome(Name name) {
        SecondaryZone zone = secondaries.get(name);
        return zone == null ? null : zone.lastOutcome;
    }
}
