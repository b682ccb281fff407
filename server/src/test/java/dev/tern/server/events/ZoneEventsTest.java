package dev.tern.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Name;
import dev.tern.server.testing.FakeClock;

/** The event queues on virtual time: earliest plan wins, one event per zone at a time, nothing lost. */
class ZoneEventsTest {
    private static final Name A = Name.fromConstantString("a.test.");
    private static final Name B = Name.fromConstantString("b.test.");

    private final FakeClock clock = new FakeClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final List<String> ran = new ArrayList<>();
    private final List<Runnable> queued = new ArrayList<>();
    private final Executor manual = queued::add;

    private ZoneEvents events(EventHandler handler) {
        return new ZoneEvents(clock, manual, handler, () -> { });
    }

    private void runQueued() {
        List<Runnable> now = new ArrayList<>(queued);
        queued.clear();
        now.forEach(Runnable::run);
    }

    @Test
    void theEarliestPlanWins() {
        ZoneEvents events = events((zone, type) -> ran.add(zone + " " + type));
        events.plan(A, EventType.REFRESH, clock.instant().plusSeconds(60));
        events.plan(A, EventType.REFRESH, clock.instant().plusSeconds(10));
        events.plan(A, EventType.REFRESH, clock.instant().plusSeconds(30));
        assertThat(events.nextDue()).contains(Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(9));
        assertThat(events.dispatchDue()).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(events.dispatchDue()).isEqualTo(1);
        runQueued();
        assertThat(ran).containsExactly("a.test. REFRESH");
        assertThat(events.nextDue()).isEmpty();
    }

    @Test
    void aZoneRunsOneEventAtATimeAndAPlanDuringARunIsKept() {
        List<EventType> order = new ArrayList<>();
        ZoneEvents[] holder = new ZoneEvents[1];
        holder[0] = events((zone, type) -> {
            order.add(type);
            if (order.size() == 1) {
                // A NOTIFY arrives while the refresh runs: it must not be lost nor run concurrently.
                holder[0].planNow(zone, EventType.REFRESH);
                assertThat(holder[0].dispatchDue()).isZero();
            }
        });
        ZoneEvents events = holder[0];
        events.planNow(A, EventType.REFRESH);
        assertThat(events.dispatchDue()).isEqualTo(1);
        assertThat(events.isRunning(A)).isTrue();
        runQueued();
        assertThat(events.isRunning(A)).isFalse();
        assertThat(events.dispatchDue()).isEqualTo(1);
        runQueued();
        assertThat(order).containsExactly(EventType.REFRESH, EventType.REFRESH);
    }

    @Test
    void zonesRunIndependently() {
        ZoneEvents events = events((zone, type) -> ran.add(zone.toString()));
        events.planNow(A, EventType.REFRESH);
        events.planNow(B, EventType.REFRESH);
        assertThat(events.dispatchDue()).isEqualTo(2);
        runQueued();
        assertThat(ran).containsExactlyInAnyOrder("a.test.", "b.test.");
    }

    @Test
    void aFailingEventDoesNotBlockTheZone() {
        ZoneEvents events = events((zone, type) -> {
            throw new IllegalStateException("boom");
        });
        events.planNow(A, EventType.REFRESH);
        events.dispatchDue();
        runQueued();
        assertThat(events.isRunning(A)).isFalse();
        events.planNow(A, EventType.REFRESH);
        assertThat(events.dispatchDue()).isEqualTo(1);
    }

    @Test
    void forgottenZonesRunNothing() {
        ZoneEvents events = events((zone, type) -> ran.add(zone.toString()));
        events.plan(A, EventType.REFRESH, clock.instant().plusSeconds(5));
        events.forget(A);
        clock.advance(Duration.ofSeconds(10));
        assertThat(events.dispatchDue()).isZero();
        assertThat(events.planned(A, EventType.REFRESH)).isEmpty();
    }
}
