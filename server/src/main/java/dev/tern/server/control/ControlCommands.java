package dev.tern.server.control;

import java.time.Clock;
import java.util.concurrent.Callable;
import dev.tern.server.events.Secondaries;
import dev.tern.server.zone.Zones;

/** Builds the registry of every control command. */
public final class ControlCommands {
    private ControlCommands() {
    }

    /**
     * @param secondaries the secondary side, or null with {@code secondary=no}
     * @param reload re-reads zones from SQL on the zone worker and returns a summary
     */
    public static CommandRegistry registry(String version, Clock clock, Zones zones, Secondaries secondaries,
                                           Callable<String> reload) {
        CommandRegistry registry = new CommandRegistry();
        new DaemonCommands(version, clock, reload).register(registry);
        new ZoneCommands(zones, secondaries).register(registry);
        return registry;
    }
}
