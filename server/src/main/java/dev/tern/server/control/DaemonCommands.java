package dev.tern.server.control;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;

/** Commands about the daemon itself: {@code rping}, {@code ping}, {@code version}, {@code uptime}, {@code reload}, {@code help}. */
final class DaemonCommands {
    private final String version;
    private final Instant started;
    private final Clock clock;
    private final Callable<String> reload;
    private final java.util.function.Function<String, String> reloadZone;

    /**
     * @param reload re-reads the zone list and changed zones from SQL, returning a summary
     * @param reloadZone re-reads one zone from SQL now, returning the reply
     */
    DaemonCommands(String version, Clock clock, Callable<String> reload,
                   java.util.function.Function<String, String> reloadZone) {
        this.version = version;
        this.clock = clock;
        this.started = clock.instant();
        this.reload = reload;
        this.reloadZone = reloadZone;
    }

    void register(CommandRegistry registry) {
        registry.add("rping", "Check that the daemon answers", args -> "PONG");
        registry.add("ping", "Check that the daemon answers (the guardian's word)", args -> "PONG");
        registry.add("version", "The version of ternd", args -> version);
        registry.add("uptime", "How long ternd has run", args -> Uptime.format(Duration.between(started,
                clock.instant())));
        registry.add("reload [<zone>]", "Re-read the zone list and changed zones (or one zone) from the database now",
                args -> args.isEmpty() ? reload.call() : reloadZone.apply(args.get(0)));
        registry.add("help", "This list", args -> registry.help());
    }
}
