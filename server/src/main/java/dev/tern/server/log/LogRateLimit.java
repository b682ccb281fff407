package dev.tern.server.log;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.event.Level;

/**
 * A rate limit on log lines written per packet: per source address and reason, the first line of a window is
 * logged, later ones within the window are only counted, and one line then says {@code suppressed N similar
 * messages: REASON from ADDRESS}. Every event is counted in {@code tern_log_events_total{reason}}, those not logged
 * also in {@code tern_log_suppressed_total{reason}}.
 *
 * <pre>
 *  event from (source, reason)
 *    no window yet ------------------------------> open window at now, LOG
 *    window open (now - start &lt; window) ---------> count, suppress
 *    window over ----------------------------------> "suppressed N" (if N &gt; 0), open a new window, LOG
 *  flush() (the zone worker's timer)
 *    window over ----------------------------------> "suppressed N" (if N &gt; 0), forget the source
 * </pre>
 *
 * Memory is bounded: at most {@code maxSources} (source, reason) windows are kept over all reasons; when they are
 * all taken, further sources share one window per reason, summarised as "from many sources". The limit has no thread:
 * windows of busy sources end on their next event, quiet ones on {@link #flush()}, which the owner calls from a
 * timer it already has. Lock-free; the event path allocates only when it opens a window for a new source.
 */
public final class LogRateLimit {
    /** How long one source stays quiet after a logged line, per reason. */
    public static final Duration WINDOW = Duration.ofSeconds(60);
    /** How many (source, reason) windows are kept at most before sources are lumped together. */
    public static final int MAX_SOURCES = 256;

    private static final long NEVER = Long.MIN_VALUE;

    private final long windowMillis;
    private final int maxSources;
    private final Clock clock;
    private final MeterRegistry registry;
    private final AtomicInteger sources = new AtomicInteger();
    private final List<Reason> reasons = new CopyOnWriteArrayList<>();

    public LogRateLimit(Duration window, int maxSources, Clock clock, MeterRegistry registry) {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window: " + window + " (expected: > 0)");
        }
        if (maxSources < 1) {
            throw new IllegalArgumentException("maxSources: " + maxSources + " (expected: >= 1)");
        }
        this.windowMillis = window.toMillis();
        this.maxSources = maxSources;
        this.clock = requireNonNull(clock, "clock");
        this.registry = requireNonNull(registry, "registry");
    }

    /** The daemon's limit: {@link #WINDOW}, {@link #MAX_SOURCES}. */
    public static LogRateLimit standard(Clock clock, MeterRegistry registry) {
        return new LogRateLimit(WINDOW, MAX_SOURCES, clock, registry);
    }

    /**
     * A reason to limit, with its own windows and counters.
     *
     * @param name the metric's {@code reason} label, e.g. {@code notify_refused}
     * @param description what the summary line calls these messages, e.g. {@code NOTIFY refused}
     * @param logger where the summary line goes: the logger of the limited lines
     * @param level the summary line's level: that of the limited lines
     */
    public Reason reason(String name, String description, Logger logger, Level level) {
        Reason reason = new Reason(name, description, logger, level);
        reasons.add(reason);
        return reason;
    }

    /** Logs the summary of every window that has ended and forgets those sources. Any thread. */
    public void flush() {
        flush(false);
    }

    /** Logs the summary of every window with suppressed lines, ended or not: at shutdown. */
    public void flushAll() {
        flush(true);
    }

    private void flush(boolean all) {
        long now = clock.millis();
        for (Reason reason : reasons) {
            for (Map.Entry<InetAddress, Window> entry : reason.bySource.entrySet()) {
                Window window = entry.getValue();
                if ((all || ended(window.start.get(), now)) && reason.bySource.remove(entry.getKey(), window)) {
                    sources.decrementAndGet();
                    // A thread that fetched this window just before the removal may still count one event in it
                    // after this read: that line is in the metrics, not in the summary.
                    reason.summarise(window.suppressed.getAndSet(0), entry.getKey());
                }
            }
            Window many = reason.manySources;
            long start = many.start.get();
            if (start != NEVER && (all || ended(start, now)) && many.start.compareAndSet(start, NEVER)) {
                reason.summarise(many.suppressed.getAndSet(0), null);
            }
        }
    }

    /** Whether a window opened at {@code start} is over; a clock set back ends it too. */
    private boolean ended(long start, long now) {
        long elapsed = now - start;
        return start == NEVER || elapsed < 0 || elapsed >= windowMillis;
    }

    /** (source, reason) windows kept now, for tests. */
    int sources() {
        return sources.get();
    }

    /** One kind of limited line: refused NOTIFY, refused transfer, malformed message, ... */
    public final class Reason {
        private final String description;
        private final Logger logger;
        private final Level level;
        private final Counter events;
        private final Counter suppressed;
        private final ConcurrentHashMap<InetAddress, Window> bySource = new ConcurrentHashMap<>();
        private final Window manySources = new Window(NEVER);

        private Reason(String name, String description, Logger logger, Level level) {
            this.description = requireNonNull(description, "description");
            this.logger = requireNonNull(logger, "logger");
            this.level = requireNonNull(level, "level");
            this.events = Counter.builder("tern.log.events")
                    .description("Events that log a line per packet (refused NOTIFY or transfer, malformed"
                            + " message), logged or not").tag("reason", name).register(registry);
            this.suppressed = Counter.builder("tern.log.suppressed")
                    .description("Of those, the lines not logged by the rate limit").tag("reason", name)
                    .register(registry);
        }

        /**
         * Counts one event from {@code source} and says whether to log its line now.
         *
         * @param source the sender; null lumps it with the many sources
         */
        public boolean allow(InetAddress source) {
            events.increment();
            long now = clock.millis();
            Window window = source == null ? manySources : bySource.get(source);
            if (window == null) {
                if (sources.incrementAndGet() <= maxSources) {
                    window = bySource.putIfAbsent(source, new Window(now));
                    if (window == null) {
                        return true;
                    }
                }
                sources.decrementAndGet();
                if (window == null) {
                    window = manySources;
                }
            }
            long start = window.start.get();
            if (!ended(start, now) || !window.start.compareAndSet(start, now)) {
                // Within the window, or another thread has just opened the next one.
                window.suppressed.incrementAndGet();
                suppressed.increment();
                return false;
            }
            summarise(window.suppressed.getAndSet(0), window == manySources ? null : source);
            return true;
        }

        /**
         * Counts one event and logs its line: at this reason's level when {@link #allow} lets it through, at DEBUG
         * otherwise (so that {@code set log-level debug} shows every one).
         */
        public void log(InetAddress source, String format, Object... args) {
            if (allow(source)) {
                logger.atLevel(level).log(format, args);
            } else if (logger.isDebugEnabled()) {
                logger.debug(format, args);
            }
        }

        private void summarise(long count, InetAddress source) {
            if (count > 0) {
                logger.atLevel(level).log("suppressed {} similar message{}: {} from {}", count,
                        count == 1 ? "" : "s", description,
                        source == null ? "many sources" : NetUtil.toAddressString(source));
            }
        }
    }

    /** One source's window: when it opened, and how many lines it has held back since. */
    private static final class Window {
        final AtomicLong start;
        final AtomicLong suppressed = new AtomicLong();

        Window(long start) {
            this.start = new AtomicLong(start);
        }
    }
}
