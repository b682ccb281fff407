package dev.tern.server.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import dev.tern.server.zone.Zone;
import dev.tern.server.zone.ZoneKind;

/**
 * Per-zone gauges, read live at each scrape: the served serial of every zone and the number of its stored rows that
 * cannot be read, and for secondary zones the seconds since the last successful refresh and until expiry. The set of zones is brought up to date after each sync.
 */
public final class ZoneGauges {
    private final MultiGauge serial;
    private final MultiGauge sinceRefresh;
    private final MultiGauge untilExpire;
    private final MultiGauge brokenRows;
    private final Clock clock;

    public ZoneGauges(MeterRegistry registry, Clock clock) {
        this.clock = clock;
        serial = MultiGauge.builder("tern.zone.serial").description("Serial of the zone served now")
                .register(registry);
        sinceRefresh = MultiGauge.builder("tern.zone.refresh.age").baseUnit("seconds")
                .description("Seconds since the last successful refresh of a secondary zone").register(registry);
        untilExpire = MultiGauge.builder("tern.zone.expire.remaining").baseUnit("seconds")
                .description("Seconds until a secondary zone expires without a successful refresh").register(registry);
        brokenRows = MultiGauge.builder("tern.zone.broken.rows")
                .description("Stored rows of the zone served now that cannot be read (their names answer SERVFAIL)")
                .register(registry);
    }

    /** @param lastSuccess when a secondary zone was last refreshed successfully (null: never or not a secondary) */
    public void update(Collection<Zone> zones, Function<Zone, Instant> lastSuccess) {
        List<MultiGauge.Row<?>> serials = new ArrayList<>();
        List<MultiGauge.Row<?>> ages = new ArrayList<>();
        List<MultiGauge.Row<?>> remaining = new ArrayList<>();
        List<MultiGauge.Row<?>> broken = new ArrayList<>();
        for (Zone zone : zones) {
            Tags tags = Tags.of("zone", zone.name().toString(), "kind", zone.kind().column());
            serials.add(MultiGauge.Row.of(tags, zone, z -> z.snapshot() == null ? Double.NaN : z.snapshot().serial()));
            broken.add(MultiGauge.Row.of(tags, zone, z -> z.snapshot() == null ? 0
                    : z.snapshot().brokenRows().size()));
            if (zone.kind() == ZoneKind.SECONDARY) {
                ages.add(MultiGauge.Row.of(tags, zone, z -> {
                    Instant at = lastSuccess.apply(z);
                    return at == null ? Double.NaN : Duration.between(at, clock.instant()).getSeconds();
                }));
                remaining.add(MultiGauge.Row.of(tags, zone, z -> {
                    long seconds = z.expireSeconds(clock.instant());
                    return seconds < 0 ? Double.NaN : seconds;
                }));
            }
        }
        serial.register(serials, true);
        sinceRefresh.register(ages, true);
        untilExpire.register(remaining, true);
        brokenRows.register(broken, true);
    }
}
