package dev.tern.server.control;

import java.time.Clock;
import java.util.concurrent.Callable;
import dev.tern.config.TernConfig;
import dev.tern.server.events.Primaries;
import dev.tern.server.metrics.TernMetrics;
import dev.tern.server.events.Secondaries;
import dev.tern.server.zone.Zones;

/** Builds the registry of every control command. */
public final class ControlCommands {
    private ControlCommands() {
    }

    /**
     * @param secondaries the secondary side, or null with {@code secondary=no}
     * @param primaries the NOTIFY side
     * @param metrics the counters behind {@code show}
     * @param storedSerial the apex serial of a zone in SQL now, or null
     * @param quit starts the daemon's exit and returns the reply
     * @param reload re-reads zones from SQL on the zone worker and returns a summary
     * @param reloadZone re-reads one zone on the zone worker and returns the reply
     */
    public static CommandRegistry registry(String version, Clock clock, TernConfig config, Zones zones,
                                           Secondaries secondaries, Primaries primaries, TernMetrics metrics,
                                           java.util.function.Function<org.xbill.DNS.Name, Long> storedSerial,
                                           Callable<String> quit, Callable<String> reload,
                                           java.util.function.Function<String, String> reloadZone) {
        CommandRegistry registry = new CommandRegistry();
        new DaemonCommands(version, clock, reload, reloadZone).register(registry);
        new ZoneCommands(zones, secondaries, storedSerial).register(registry);
        new NotifyCommands(primaries).register(registry);
        new SettingsCommands(config).register(registry);
        new StatsCommands(metrics, clock, () -> secondaries == null ? 0 : secondaries.xfrQueue().size())
                .register(registry);
        // PowerDNS commands with nothing to do here: Tern has no packet cache, and rediscover is a no-op for SQL.
        registry.add("purge [<record>]", "Clear the packet cache (Tern keeps none: answers come from snapshots)",
                args -> "0");
        registry.add("quit", "Stop ternd (after answering 'Exiting')", args -> quit.call());
        registry.add("rediscover", "Look for new zones in the database (see reload)", args -> reload.call());
        return registry;
    }
}
