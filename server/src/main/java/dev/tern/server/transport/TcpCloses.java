package dev.tern.server.transport;

import java.net.SocketAddress;
import java.util.StringJoiner;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TCP connections Tern closed to protect itself, by reason: one DEBUG line each, and at most one INFO line a
 * minute with the counts since the last one (an attack is thousands of closures; the operator needs to know that it
 * happens and why, not each address). One instance for all listeners; counters are atomic.
 */
final class TcpCloses {
    private static final Logger logger = LoggerFactory.getLogger(TcpCloses.class);
    private static final long INTERVAL_NANOS = 60_000_000_000L;

    /** Why a connection was closed. */
    enum Reason {
        NOT_READING("not reading its answers"),
        MESSAGE_TIMEOUT("message not whole within tcp-message-timeout"),
        PER_CLIENT_LIMIT("over max-tcp-connections-per-client");

        private final String text;

        Reason(String text) {
            this.text = text;
        }
    }

    private final LongSupplier nanoTime;
    private final AtomicLongArray counts = new AtomicLongArray(Reason.values().length);
    private final AtomicLong lastReport;

    TcpCloses() {
        this(System::nanoTime);
    }

    TcpCloses(LongSupplier nanoTime) {
        this.nanoTime = nanoTime;
        this.lastReport = new AtomicLong(nanoTime.getAsLong() - INTERVAL_NANOS);
    }

    void closed(Reason reason, SocketAddress remote) {
        logger.debug("TCP {}: closed: {}", remote, reason.text);
        counts.incrementAndGet(reason.ordinal());
        long now = nanoTime.getAsLong();
        long last = lastReport.get();
        if (now - last >= INTERVAL_NANOS && lastReport.compareAndSet(last, now)) {
            logger.info("TCP: closed {} (at most one such line a minute; DEBUG names each client)", takeCounts());
        }
    }

    /** "3 connections: 2 not reading ..., 1 over ...", and the counters start again from zero. */
    private String takeCounts() {
        long total = 0;
        StringJoiner parts = new StringJoiner(", ");
        for (Reason reason : Reason.values()) {
            long count = counts.getAndSet(reason.ordinal(), 0);
            if (count > 0) {
                total += count;
                parts.add(count + " " + reason.text);
            }
        }
        return total + (total == 1 ? " connection: " : " connections: ") + parts;
    }
}
