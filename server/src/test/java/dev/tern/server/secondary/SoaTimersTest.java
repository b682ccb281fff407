package dev.tern.server.secondary;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Timer arithmetic on fixed instants: clamps, backoff, jitter, expire. */
class SoaTimersTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final SoaTimers timers = new SoaTimers(Duration.ofSeconds(60), Duration.ofHours(24),
            Duration.ofSeconds(10), Duration.ofHours(1));

    @Test
    void refreshFollowsTheSoaWithinTheClamps() {
        assertThat(timers.nextRefresh(NOW, 3600, 0)).isEqualTo(NOW.plusSeconds(3600));
        assertThat(timers.nextRefresh(NOW, 5, 0)).isEqualTo(NOW.plusSeconds(60));
        assertThat(timers.nextRefresh(NOW, 10_000_000, 0)).isEqualTo(NOW.plus(Duration.ofHours(24)));
        // jitter moves it at most 10% earlier
        assertThat(timers.nextRefresh(NOW, 3600, 1)).isEqualTo(NOW.plusSeconds(3240));
    }

    @Test
    void retriesBackOffByDoublingUpToTheMaximum() {
        List<Long> waits = new ArrayList<>();
        for (int failures = 1; failures <= 9; failures++) {
            waits.add(Duration.between(NOW, timers.nextRetry(NOW, 300, failures, 0)).getSeconds());
        }
        assertThat(waits).containsExactly(300L, 600L, 1200L, 2400L, 3600L, 3600L, 3600L, 3600L, 3600L);
        assertThat(Duration.between(NOW, timers.nextRetry(NOW, 300, 1, 1)).getSeconds()).isEqualTo(225);
        assertThat(Duration.between(NOW, timers.nextRetry(NOW, 1, 1, 0)).getSeconds()).isEqualTo(10);
    }

    @Test
    void expireIsCountedFromTheLastSuccessAndNeverClamped() {
        assertThat(SoaTimers.expireAt(NOW, 1_209_600)).isEqualTo(NOW.plusSeconds(1_209_600));
        assertThat(SoaTimers.expireAt(NOW, 5)).isEqualTo(NOW.plusSeconds(5));
    }

    @Test
    void serialsCompareModulo2Pow32() {
        assertThat(Serials.isNewer(2, 1)).isTrue();
        assertThat(Serials.isNewer(1, 2)).isFalse();
        assertThat(Serials.isNewer(1, 1)).isFalse();
        assertThat(Serials.isNewer(0, 0xFFFFFFFFL)).isTrue();
        assertThat(Serials.isNewer(0x80000000L, 0)).isFalse();
    }

    @Test
    void primariesParseAsPowerDnsWritesThem() {
        List<String> problems = new ArrayList<>();
        List<Primary> primaries = Primary.parseList("192.0.2.1, 192.0.2.2:5300\t2001:db8::1 [2001:db8::2]:5301,"
                + " ns1.example.com 300.1.1.1", problems);
        assertThat(primaries).extracting(Primary::toString).containsExactly("192.0.2.1", "192.0.2.2:5300",
                "2001:db8::1", "[2001:db8::2]:5301");
        assertThat(Primary.toColumn(primaries)).isEqualTo("192.0.2.1, 192.0.2.2:5300, 2001:db8::1, [2001:db8::2]:5301");
        assertThat(problems).hasSize(2).allMatch(p -> p.contains("is not an IP address"));
    }
}
