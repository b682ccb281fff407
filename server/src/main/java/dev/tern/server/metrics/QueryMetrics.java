package dev.tern.server.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;
import dev.tern.server.query.QueryObserver;

/**
 * Query metrics: queries by transport, qtype and rcode, latency and answer-size histograms by transport, and
 * truncated answers. Meters are looked up in a map keyed by small integers, so the event loops allocate nothing per
 * query; qtypes outside a fixed list count as {@code other}, so a client cannot grow the series without bound.
 */
public final class QueryMetrics implements QueryObserver {
    private static final Set<Integer> NAMED_TYPES = Set.of(Type.A, Type.AAAA, Type.NS, Type.SOA, Type.CNAME,
            Type.MX, Type.TXT, Type.SRV, Type.PTR, Type.CAA, Type.DS, Type.DNSKEY, Type.HTTPS, Type.SVCB,
            Type.NAPTR, Type.ANY, Type.AXFR, Type.IXFR);

    private final MeterRegistry registry;
    private final ConcurrentHashMap<Integer, Counter> queries = new ConcurrentHashMap<>();
    private final Timer[] latency = new Timer[2];
    private final DistributionSummary[] sizes = new DistributionSummary[2];
    private final Counter[] truncated = new Counter[2];

    public QueryMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (int tcp = 0; tcp < 2; tcp++) {
            String transport = tcp == 1 ? "tcp" : "udp";
            latency[tcp] = Timer.builder("tern.query.duration").description("Time from query to answer, in ternd")
                    .tag("transport", transport).publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofNanos(1_000)).maximumExpectedValue(Duration.ofMillis(100))
                    .register(registry);
            sizes[tcp] = DistributionSummary.builder("tern.response.size").description("Answer sizes")
                    .baseUnit("bytes").tag("transport", transport).serviceLevelObjectives(128, 256, 512, 1232, 4096)
                    .register(registry);
            truncated[tcp] = Counter.builder("tern.truncated").description("Answers sent with TC set")
                    .tag("transport", transport).register(registry);
        }
    }

    @Override
    public void answered(boolean tcp, int qtype, int rcode, int responseBytes, boolean truncatedAnswer, long nanos) {
        int index = tcp ? 1 : 0;
        int type = NAMED_TYPES.contains(qtype) ? qtype : 0;
        int key = index << 24 | type << 8 | (rcode & 0xFF);
        queries.computeIfAbsent(key, k -> Counter.builder("tern.queries").description("Queries answered")
                .tag("transport", tcp ? "tcp" : "udp").tag("qtype", type == 0 ? "other" : Type.string(type))
                .tag("rcode", Rcode.string(rcode)).register(registry)).increment();
        latency[index].record(nanos, TimeUnit.NANOSECONDS);
        sizes[index].record(responseBytes);
        if (truncatedAnswer) {
            truncated[index].increment();
        }
    }
}
