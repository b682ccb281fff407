package dev.tern.server.metrics;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;

/**
 * Domain-named recorders over one Micrometer registry. Names follow Prometheus conventions once exported
 * ({@code tern_refresh_total{result="transferred"}}, {@code tern_xfr_bytes}, ...). Thread-safe.
 */
public final class TernMetrics {
    private final MeterRegistry registry;
    private final AutoCloseable gcMetrics;

    public TernMetrics(MeterRegistry registry) {
        this(registry, null);
    }

    private TernMetrics(MeterRegistry registry, AutoCloseable gcMetrics) {
        this.registry = requireNonNull(registry, "registry");
        this.gcMetrics = gcMetrics;
    }

    /** The daemon's metrics: a Prometheus registry with the JVM and process binders. */
    public static TernMetrics prometheus() {
        io.micrometer.prometheusmetrics.PrometheusMeterRegistry registry =
                new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
                        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
        new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
        io.micrometer.core.instrument.binder.jvm.JvmGcMetrics gc = new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics();
        gc.bindTo(registry);
        new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.system.UptimeMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.system.FileDescriptorMetrics().bindTo(registry);
        return new TernMetrics(registry, gc);
    }

    /** Releases what the JVM binders hold (GC notification listeners). */
    public void close() {
        if (gcMetrics != null) {
            try {
                gcMetrics.close();
            } catch (Exception e) {
                // nothing left to release
            }
        }
        registry.close();
    }

    /** Metrics kept in memory only, for tests and for a daemon without an endpoint. */
    public static TernMetrics inMemory() {
        return new TernMetrics(new SimpleMeterRegistry());
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** One refresh ended: {@code result} is up_to_date, transferred or failed; {@code cause} the failure class. */
    public void refresh(String result, String cause) {
        Counter.builder("tern.refresh").description("Refreshes of secondary zones by result")
                .tag("result", result).tag("cause", cause == null ? "none" : cause)
                .register(registry).increment();
    }

    /** One transfer ended. */
    public void transfer(String direction, String type, String result, long bytes, Duration elapsed) {
        DistributionSummary.builder("tern.xfr.bytes").description("Bytes of zone transfers").baseUnit("bytes")
                .tag("direction", direction).tag("type", type).tag("result", result)
                .register(registry).record(bytes);
        Timer.builder("tern.xfr.duration").description("Duration of zone transfers")
                .tag("direction", direction).tag("type", type).tag("result", result)
                .register(registry).record(elapsed);
    }

    /** A stalled transfer was retried with a smaller MSS. */
    public void mssFallback(int mss) {
        Counter.builder("tern.xfr.mss.fallback").description("Transfers retried with a smaller MSS after a stall")
                .tag("mss", Integer.toString(mss)).register(registry).increment();
    }

    /** A NOTIFY arrived: {@code result} is accepted, refused or notauth. */
    public void notifyIn(String result) {
        Counter.builder("tern.notify.in").description("NOTIFY messages received by result")
                .tag("result", result).register(registry).increment();
    }

    /** A NOTIFY target ended: {@code result} is acknowledged, error or given-up. */
    public void notifyOut(String result) {
        Counter.builder("tern.notify.out").description("NOTIFY targets by outcome")
                .tag("result", result).register(registry).increment();
    }
}
