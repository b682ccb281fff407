package dev.tern.server.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import dev.tern.server.testing.FakeClock;

/** The log rate limit on virtual time: what is logged, what is counted, and what the summaries say. */
class LogRateLimitTest {
    private static final Duration WINDOW = Duration.ofSeconds(60);

    private final FakeClock clock = new FakeClock(Instant.parse("2026-12-02T10:00:00Z"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Logger logger = LoggerFactory.getLogger("test.LogRateLimit");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void capture() {
        ch.qos.logback.classic.Logger logback = (ch.qos.logback.classic.Logger) logger;
        logback.setLevel(ch.qos.logback.classic.Level.INFO);
        lines.start();
        logback.addAppender(lines);
    }

    @AfterEach
    void release() {
        ((ch.qos.logback.classic.Logger) logger).detachAppender(lines);
    }

    private static InetAddress address(String text) throws Exception {
        return InetAddress.getByName(text);
    }

    private List<String> messages() {
        return lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private double count(String meter, String reason) {
        return registry.get(meter).tag("reason", reason).counter().count();
    }

    @Test
    void theFirstLineOfASourceIsLoggedAndTheOthersAreCountedUntilItsWindowEnds() throws Exception {
        LogRateLimit limit = new LogRateLimit(WINDOW, 16, clock, registry);
        LogRateLimit.Reason refused = limit.reason("notify_refused", "NOTIFY refused", logger, Level.INFO);
        InetAddress source = address("192.0.2.1");
        for (int i = 0; i < 20_000; i++) {
            refused.log(source, "NOTIFY from {}: refused", "192.0.2.1");
            if (i == 10_000) {
                clock.advance(Duration.ofSeconds(59));
            }
        }
        assertThat(messages()).containsExactly("NOTIFY from 192.0.2.1: refused");
        limit.flush();
        assertThat(messages()).hasSize(1);

        clock.advance(Duration.ofSeconds(1));
        refused.log(source, "NOTIFY from {}: refused", "192.0.2.1");
        assertThat(messages()).containsExactly("NOTIFY from 192.0.2.1: refused",
                "suppressed 19999 similar messages: NOTIFY refused from 192.0.2.1",
                "NOTIFY from 192.0.2.1: refused");
        assertThat(lines.list).allMatch(line -> line.getLevel() == ch.qos.logback.classic.Level.INFO);
        assertThat(count("tern.log.events", "notify_refused")).isEqualTo(20_001);
        assertThat(count("tern.log.suppressed", "notify_refused")).isEqualTo(19_999);
    }

    @Test
    void sourcesAndReasonsHaveWindowsOfTheirOwn() throws Exception {
        LogRateLimit limit = new LogRateLimit(WINDOW, 16, clock, registry);
        LogRateLimit.Reason refused = limit.reason("notify_refused", "NOTIFY refused", logger, Level.INFO);
        LogRateLimit.Reason busy = limit.reason("xfr_out_busy", "transfer REFUSED at the limit", logger, Level.WARN);
        assertThat(refused.allow(address("192.0.2.1"))).isTrue();
        assertThat(refused.allow(address("192.0.2.2"))).isTrue();
        assertThat(refused.allow(address("2001:db8::1"))).isTrue();
        assertThat(busy.allow(address("192.0.2.1"))).isTrue();
        assertThat(refused.allow(address("192.0.2.1"))).isFalse();
        assertThat(busy.allow(address("192.0.2.1"))).isFalse();
        assertThat(busy.allow(address("192.0.2.1"))).isFalse();
        assertThat(limit.sources()).isEqualTo(4);

        clock.advance(WINDOW);
        limit.flush();
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage, line -> line.getLevel().toString())
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(
                                "suppressed 1 similar message: NOTIFY refused from 192.0.2.1", "INFO"),
                        org.assertj.core.groups.Tuple.tuple(
                                "suppressed 2 similar messages: transfer REFUSED at the limit from 192.0.2.1", "WARN"));
        assertThat(limit.sources()).as("sources gone quiet are forgotten").isZero();
        limit.flush();
        assertThat(lines.list).hasSize(2);
    }

    @Test
    void whenEveryWindowIsTakenNewSourcesShareOne() throws Exception {
        LogRateLimit limit = new LogRateLimit(WINDOW, 2, clock, registry);
        LogRateLimit.Reason malformed = limit.reason("malformed", "malformed message", logger, Level.INFO);
        assertThat(malformed.allow(address("192.0.2.1"))).isTrue();
        assertThat(malformed.allow(address("192.0.2.2"))).isTrue();
        // Full: the first of the many is logged, the rest counted together.
        assertThat(malformed.allow(address("198.51.100.1"))).isTrue();
        for (int i = 2; i < 1000; i++) {
            assertThat(malformed.allow(address("198.51.100." + (i % 250)))).isFalse();
        }
        assertThat(limit.sources()).isEqualTo(2);
        clock.advance(WINDOW);
        limit.flush();
        assertThat(messages()).containsExactly("suppressed 998 similar messages: malformed message from many sources");
        assertThat(limit.sources()).isZero();
        assertThat(count("tern.log.events", "malformed")).isEqualTo(1001);
        assertThat(count("tern.log.suppressed", "malformed")).isEqualTo(998);
        assertThat(malformed.allow(address("198.51.100.1"))).as("a window of its own again").isTrue();
    }

    @Test
    void aClockSetBackEndsTheWindow() throws Exception {
        LogRateLimit limit = new LogRateLimit(WINDOW, 16, clock, registry);
        LogRateLimit.Reason refused = limit.reason("notify_refused", "NOTIFY refused", logger, Level.INFO);
        InetAddress source = address("192.0.2.1");
        assertThat(refused.allow(source)).isTrue();
        assertThat(refused.allow(source)).isFalse();
        clock.advance(Duration.ofHours(-1));
        assertThat(refused.allow(source)).isTrue();
        assertThat(messages()).containsExactly("suppressed 1 similar message: NOTIFY refused from 192.0.2.1");
    }

    @Test
    void flushAllTellsWhatWasHeldBackBeforeTheWindowEnds() throws Exception {
        LogRateLimit limit = new LogRateLimit(WINDOW, 16, clock, registry);
        LogRateLimit.Reason refused = limit.reason("notify_refused", "NOTIFY refused", logger, Level.INFO);
        InetAddress source = address("192.0.2.1");
        for (int i = 0; i < 5; i++) {
            refused.allow(source);
        }
        limit.flush();
        assertThat(messages()).isEmpty();
        limit.flushAll();
        assertThat(messages()).containsExactly("suppressed 4 similar messages: NOTIFY refused from 192.0.2.1");
    }

    @Test
    void suppressedLinesStillShowAtDebug() throws Exception {
        ((ch.qos.logback.classic.Logger) logger).setLevel(ch.qos.logback.classic.Level.DEBUG);
        LogRateLimit limit = new LogRateLimit(WINDOW, 16, clock, registry);
        LogRateLimit.Reason refused = limit.reason("notify_refused", "NOTIFY refused", logger, Level.INFO);
        refused.log(address("192.0.2.1"), "line {}", 1);
        refused.log(address("192.0.2.1"), "line {}", 2);
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage, line -> line.getLevel().toString())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("line 1", "INFO"),
                        org.assertj.core.groups.Tuple.tuple("line 2", "DEBUG"));
    }
}
