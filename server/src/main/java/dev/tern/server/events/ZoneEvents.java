package dev.tern.server.events;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;

/**
 * Per-zone event queues (Knot's {@code events/}): each zone has at most one planned time per event type, the
 * earliest plan wins, and at most one event of a zone runs at a time. An event planned while one of its zone runs
 * waits for it, so a NOTIFY during a refresh leads to one more refresh afterwards, never to a lost one.
 * {@link #dispatchDue()} hands due events to the worker executor; the timer calls it at {@link #nextDue()}.
 * Thread-safe: one lock guards the plans, never held while an event runs.
 */
public final class ZoneEvents {
    private static final Logger logger = LoggerFactory.getLogger(ZoneEvents.class);

    private final Clock clock;
    private final Executor workers;
    private final EventHandler handler;
    private final Runnable wakeTimer;
    private final Object lock = new Object();
    private final Map<Name, EnumMap<EventType, Instant>> plans = new HashMap<>();
    private final Map<Name, Boolean> running = new HashMap<>();

    /**
     * @param wakeTimer called (outside the lock) when a plan may be earlier than the timer's next wake-up
     */
    public ZoneEvents(Clock clock, Executor workers, EventHandler handler, Runnable wakeTimer) {
        this.clock = requireNonNull(clock, "clock");
        this.workers = requireNonNull(workers, "workers");
        this.handler = requireNonNull(handler, "handler");
        this.wakeTimer = requireNonNull(wakeTimer, "wakeTimer");
    }

    /** Plans an event at {@code at}; a later plan of the same type for the same zone is replaced, an earlier kept. */
    public void plan(Name zone, EventType type, Instant at) {
        synchronized (lock) {
            EnumMap<EventType, Instant> zonePlans = plans.computeIfAbsent(zone, z -> new EnumMap<>(EventType.class));
            Instant existing = zonePlans.get(type);
            if (existing == null || at.isBefore(existing)) {
                zonePlans.put(type, at);
            }
        }
        wakeTimer.run();
    }

    /** Plans an event now. */
    public void planNow(Name zone, EventType type) {
        plan(zone, type, clock.instant());
    }

    /** Drops every plan of a zone (it was removed); an event running now finishes. */
    public void forget(Name zone) {
        synchronized (lock) {
            plans.remove(zone);
        }
    }

    /** When this event of this zone is planned, if it is. */
    public Optional<Instant> planned(Name zone, EventType type) {
        synchronized (lock) {
            EnumMap<EventType, Instant> zonePlans = plans.get(zone);
            return Optional.ofNullable(zonePlans == null ? null : zonePlans.get(type));
        }
    }

    /** The zones whose event of this type is due now and waits for its turn (not running), by name. */
    public List<Name> waiting(EventType type) {
        Instant now = clock.instant();
        List<Name> zones = new ArrayList<>();
        synchronized (lock) {
            plans.forEach((zone, zonePlans) -> {
                Instant at = zonePlans.get(type);
                if (at != null && !at.isAfter(now) && !running.containsKey(zone)) {
                    zones.add(zone);
                }
            });
        }
        zones.sort(null);
        return zones;
    }

    /** Whether an event of this zone is running now. */
    public boolean isRunning(Name zone) {
        synchronized (lock) {
            return running.containsKey(zone);
        }
    }

    /** Hands every due event of an idle zone to the workers; returns how many were handed over. */
    public int dispatchDue() {
        Instant now = clock.instant();
        List<Runnable> due = new ArrayList<>();
        synchronized (lock) {
            for (Map.Entry<Name, EnumMap<EventType, Instant>> entry : plans.entrySet()) {
                Name zone = entry.getKey();
                if (running.containsKey(zone)) {
                    continue;
                }
                for (Map.Entry<EventType, Instant> plan : entry.getValue().entrySet()) {
                    if (!plan.getValue().isAfter(now)) {
                        EventType type = plan.getKey();
                        entry.getValue().remove(type);
                        running.put(zone, Boolean.TRUE);
                        due.add(() -> run(zone, type));
                        break;
                    }
                }
            }
        }
        for (Runnable task : due) {
            workers.execute(task);
        }
        return due.size();
    }

    /** How long until the next planned event of an idle zone, or empty when nothing is planned. */
    public Optional<Duration> nextDue() {
        Instant now = clock.instant();
        Instant earliest = null;
        synchronized (lock) {
            for (Map.Entry<Name, EnumMap<EventType, Instant>> entry : plans.entrySet()) {
                if (running.containsKey(entry.getKey())) {
                    continue;
                }
                for (Instant at : entry.getValue().values()) {
                    if (earliest == null || at.isBefore(earliest)) {
                        earliest = at;
                    }
                }
            }
        }
        if (earliest == null) {
            return Optional.empty();
        }
        Duration wait = Duration.between(now, earliest);
        return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
    }

    private void run(Name zone, EventType type) {
        try {
            handler.handle(zone, type);
        } catch (RuntimeException e) {
            logger.error("[{}] {} failed unexpectedly, the zone keeps what it serves: {} (a bug in Tern; the debug"
                    + " log has the details)", zone, type, dev.tern.server.zone.Problems.describe(e));
            logger.debug("[{}] {} failure", zone, type, e);
        } finally {
            synchronized (lock) {
                running.remove(zone);
            }
            wakeTimer.run();
        }
    }
}
