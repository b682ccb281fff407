package dev.tern.server.events;

import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code zone-timer} thread: sleeps until the next planned event (or until woken by a new plan), then has
 * {@link ZoneEvents} hand the due events to the workers. It never runs an event itself.
 */
public final class EventTimer implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(EventTimer.class);
    /** The longest sleep, so that a clock jump is noticed within this time. */
    private static final Duration MAX_SLEEP = Duration.ofSeconds(10);

    private final Object monitor = new Object();
    private final Thread thread;
    private ZoneEvents events;
    private boolean woken;
    private volatile boolean stopped;

    public EventTimer() {
        thread = new Thread(this::loop, "zone-timer");
        thread.setDaemon(true);
    }

    /** Starts ticking for these events. */
    public void start(ZoneEvents zoneEvents) {
        this.events = zoneEvents;
        thread.start();
    }

    /** Wakes the timer: a plan may be due earlier than it thought. */
    public void wake() {
        synchronized (monitor) {
            woken = true;
            monitor.notifyAll();
        }
    }

    private void loop() {
        while (!stopped) {
            try {
                events.dispatchDue();
                Optional<Duration> next = events.nextDue();
                long sleepMillis = next.map(d -> Math.min(d.toMillis(), MAX_SLEEP.toMillis()))
                        .orElse(MAX_SLEEP.toMillis());
                synchronized (monitor) {
                    if (!woken && sleepMillis > 0) {
                        monitor.wait(sleepMillis);
                    }
                    woken = false;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                logger.error("zone timer: handing due events to the workers failed unexpectedly, continuing: {}"
                        + " (a bug in Tern; the debug log has the details)", dev.tern.server.zone.Problems.describe(e));
                logger.debug("zone timer failure", e);
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
