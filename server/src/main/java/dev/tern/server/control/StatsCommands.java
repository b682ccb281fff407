package dev.tern.server.control;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;
import dev.tern.server.metrics.TernMetrics;

/**
 * {@code show *} and {@code show NAME}: counters in PowerDNS's {@code name=value,} form, from the same registry the
 * metrics come from. PowerDNS's names where the meaning is the same ({@code incoming-notifications},
 * {@code uptime}, {@code xfr-queue}); Tern's own counters as {@code meter-name-tag-values}, e.g.
 * {@code tern-notify-out-acknowledged}.
 */
final class StatsCommands {
    private final TernMetrics metrics;
    private final Clock clock;
    private final Instant started;
    private final Supplier<Integer> xfrQueue;

    StatsCommands(TernMetrics metrics, Clock clock, Supplier<Integer> xfrQueue) {
        this.metrics = metrics;
        this.clock = clock;
        this.started = clock.instant();
        this.xfrQueue = xfrQueue;
    }

    void register(CommandRegistry registry) {
        registry.add("show <name>|*", "Counters: one by name, or all as name=value, (PowerDNS's form)", this::show);
    }

    private String show(List<String> args) {
        if (args.size() != 1) {
            return "Wrong number of parameters";
        }
        Map<String, Long> values = values();
        String wanted = args.get(0);
        if (wanted.equals("*") || wanted.endsWith("*")) {
            String prefix = wanted.substring(0, wanted.length() - 1);
            StringBuilder reply = new StringBuilder();
            values.forEach((name, value) -> {
                if (name.startsWith(prefix)) {
                    reply.append(name).append('=').append(value).append(',');
                }
            });
            return reply.toString();
        }
        Long value = values.get(wanted);
        return value == null ? "Unknown" : Long.toString(value);
    }

    private Map<String, Long> values() {
        Map<String, Long> values = new TreeMap<>();
        long notifications = 0;
        for (Meter meter : metrics.registry().getMeters()) {
            String base = meter.getId().getName().replace('.', '-');
            StringBuilder name = new StringBuilder(base);
            for (Tag tag : meter.getId().getTags()) {
                name.append('-').append(tag.getValue());
            }
            long count;
            if (meter instanceof Counter counter) {
                count = (long) counter.count();
            } else if (meter instanceof Timer timer) {
                count = timer.count();
            } else {
                continue;
            }
            values.merge(name.toString(), count, Long::sum);
            if (base.equals("tern-notify-in")) {
                notifications += count;
            }
        }
        values.put("incoming-notifications", notifications);
        values.put("uptime", Duration.between(started, clock.instant()).getSeconds());
        values.put("xfr-queue", (long) xfrQueue.get());
        return values;
    }
}
