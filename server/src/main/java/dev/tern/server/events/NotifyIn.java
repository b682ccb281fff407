package dev.tern.server.events;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import dev.tern.config.Netmask;
import dev.tern.server.log.LogRateLimit;
import dev.tern.server.metrics.TernMetrics;
import dev.tern.server.query.NotifyReceiver;
import dev.tern.server.secondary.Primary;

/**
 * NOTIFY for secondary zones (RFC 1996): who may send it and what it does. Accepted from one of the zone's
 * primaries, or from {@code allow-notify-from} (then signed when the zone has a key), checked against the zone's
 * TSIG key when signed; an accepted NOTIFY plans a refresh now and remembers the sender, so that it is tried first.
 * Every NOTIFY is counted; its line is logged at INFO at most once a minute per sender and outcome ({@link
 * LogRateLimit}: a flood of forged NOTIFYs is one line and a summary), and at DEBUG always.
 */
final class NotifyIn implements NotifyReceiver {
    private static final Logger logger = LoggerFactory.getLogger(NotifyIn.class);

    private final Function<Name, SecondaryZone> secondaries;
    private final Supplier<ZoneEvents> events;
    private final List<Netmask> allowNotifyFrom;
    private final TernMetrics metrics;
    private final LogRateLimit.Reason refusedLog;
    private final LogRateLimit.Reason notauthLog;
    private final LogRateLimit.Reason acceptedLog;

    /**
     * @param secondaries the secondary zone of a name, or null
     * @param events the event queues, once attached
     * @param allowNotifyFrom addresses besides a zone's primaries whose NOTIFY is accepted
     * @param logLimit the rate limit on the lines logged per NOTIFY
     */
    NotifyIn(Function<Name, SecondaryZone> secondaries, Supplier<ZoneEvents> events, List<Netmask> allowNotifyFrom,
             TernMetrics metrics, LogRateLimit logLimit) {
        this.secondaries = requireNonNull(secondaries, "secondaries");
        this.events = requireNonNull(events, "events");
        this.allowNotifyFrom = List.copyOf(allowNotifyFrom);
        this.metrics = requireNonNull(metrics, "metrics");
        this.refusedLog = refusedReason(logLimit);
        this.notauthLog = logLimit.reason("notify_notauth", "NOTIFY NOTAUTH (TSIG)", logger, Level.INFO);
        this.acceptedLog = logLimit.reason("notify_accepted", "NOTIFY accepted", logger, Level.INFO);
    }

    private static LogRateLimit.Reason refusedReason(LogRateLimit logLimit) {
        return logLimit.reason("notify_refused", "NOTIFY refused", logger, Level.INFO);
    }

    /** The NOTIFY receiver of a daemon started with {@code secondary=no}: refuses, and says why in the log. */
    static NotifyReceiver disabled(LogRateLimit logLimit) {
        LogRateLimit.Reason refusedLog = refusedReason(logLimit);
        return (notify, wire, source) -> {
            refusedLog.log(source, "[{}] NOTIFY from {}: refused, this server runs with secondary=no (set"
                    + " secondary=yes to refresh SLAVE zones)", notify.getQuestion().getName(),
                    io.netty.util.NetUtil.toAddressString(source));
            return Rcode.REFUSED;
        };
    }

    @Override
    public int receive(Message notify, byte[] wire, InetAddress source) {
        Name name = notify.getQuestion().getName();
        SecondaryZone secondary = secondaries.apply(name);
        String from = io.netty.util.NetUtil.toAddressString(source);
        if (secondary == null) {
            refusedLog.log(source, "[{}] NOTIFY from {}: refused, not a secondary zone of ours", name, from);
            metrics.notifyIn("refused");
            return Rcode.REFUSED;
        }
        SecondaryZone.Config config = secondary.config;
        if (notify.getTSIG() != null) {
            if (config.tsig() == null || !notify.getTSIG().getName().equals(keyName(config))) {
                notauthLog.log(source, "[{}] NOTIFY from {}: NOTAUTH, signed with key {} (expected: {})", name, from,
                        notify.getTSIG().getName(), config.tsigName() == null ? "none" : config.tsigName());
                metrics.notifyIn("notauth");
                return Rcode.NOTAUTH;
            }
            int error = config.tsig().verify(notify, wire, null);
            if (error != Rcode.NOERROR) {
                notauthLog.log(source, "[{}] NOTIFY from {}: NOTAUTH, TSIG {}", name, from, Rcode.TSIGstring(error));
                metrics.notifyIn("notauth");
                return Rcode.NOTAUTH;
            }
        }
        Primary primary = secondary.primaryAt(source);
        if (primary == null && !allowed(source)) {
            refusedLog.log(source, "[{}] NOTIFY from {}: refused, not one of the zone's primaries {} nor in"
                    + " allow-notify-from", name, from, config.primaries());
            metrics.notifyIn("refused");
            return Rcode.REFUSED;
        }
        if (primary == null && config.tsig() != null && notify.getTSIG() == null) {
            refusedLog.log(source, "[{}] NOTIFY from {}: refused, unsigned; the zone has TSIG key {}, so a NOTIFY"
                    + " from an allow-notify-from address must be signed with it", name, from, config.tsigName());
            metrics.notifyIn("refused");
            return Rcode.REFUSED;
        }
        secondary.notifiedBy = primary;
        metrics.notifyIn("accepted");
        ZoneEvents queues = events.get();
        queues.planNow(name, EventType.REFRESH);
        acceptedLog.log(source, "[{}] NOTIFY from {}: accepted, refresh planned{}", name, from,
                queues.isRunning(name) ? " after the one running now" : "");
        return Rcode.NOERROR;
    }

    private boolean allowed(InetAddress source) {
        for (Netmask mask : allowNotifyFrom) {
            if (mask.contains(source)) {
                return true;
            }
        }
        return false;
    }

    private static Name keyName(SecondaryZone.Config config) {
        return Name.fromConstantString(config.tsigName().endsWith(".") ? config.tsigName()
                : config.tsigName() + ".");
    }
}
