package dev.tern.server.control;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import dev.tern.server.events.Primaries;
import dev.tern.server.primary.NotifyResult;
import dev.tern.server.secondary.Primary;

/**
 * The NOTIFY commands: {@code notify} and {@code notify-host} (PowerDNS's: queue and answer at once) and
 * {@code notify-wait} (Tern's: waits for every target's outcome and tells it).
 */
final class NotifyCommands {
    private final Primaries primaries;

    NotifyCommands(Primaries primaries) {
        this.primaries = primaries;
    }

    void register(CommandRegistry registry) {
        registry.add("notify <zone>", "Send NOTIFY for a zone to its secondaries now and return at once",
                args -> notify(args, false));
        registry.add("notify-wait <zone> [<seconds>]", "Send NOTIFY for a zone and answer with each target's outcome",
                args -> notify(args, true));
        registry.add("notify-host <zone> <ip[:port]>", "Send NOTIFY for a zone to one host and return at once",
                this::notifyHost);
    }

    private String notify(List<String> args, boolean wait) {
        if (args.isEmpty() || args.size() > (wait ? 2 : 1)) {
            return wait ? "syntax: notify-wait zone [seconds]" : "syntax: notify zone";
        }
        Name name;
        try {
            name = Name.fromString(args.get(0), Name.root);
        } catch (TextParseException e) {
            return "Failed to parse '" + args.get(0) + "' as a valid zone name";
        }
        Duration timeout = Duration.ofSeconds(120);
        if (args.size() == 2) {
            if (!args.get(1).matches("\\d{1,5}")) {
                return "syntax: notify-wait zone [seconds]";
            }
            timeout = Duration.ofSeconds(Long.parseLong(args.get(1)));
        }
        CompletableFuture<CompletableFuture<List<NotifyResult>>> started = primaries.notifyNow(name);
        return wait ? outcome(started, timeout) : queued(started, name);
    }

    private String notifyHost(List<String> args) {
        if (args.size() != 2) {
            return "syntax: notify-host zone ip[:port]";
        }
        Name name;
        Primary host;
        try {
            name = Name.fromString(args.get(0), Name.root);
            host = Primary.parse(args.get(1));
        } catch (TextParseException | IllegalArgumentException e) {
            return "Error: " + e.getMessage();
        }
        return queued(primaries.notifyHost(name, host.address()), name);
    }

    private static String queued(CompletableFuture<CompletableFuture<List<NotifyResult>>> started, Name name) {
        CompletableFuture<List<NotifyResult>> round;
        try {
            round = started.get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return "Error: " + e.getCause().getMessage();
        } catch (TimeoutException | InterruptedException e) {
            return "Error: the zone worker did not start the NOTIFY within 60 s";
        }
        if (round.isDone() && round.join().isEmpty()) {
            return "Error: zone " + name + " has no NOTIFY targets (see the log)";
        }
        return "Added to queue";
    }

    private static String outcome(CompletableFuture<CompletableFuture<List<NotifyResult>>> started,
                                  Duration timeout) {
        List<NotifyResult> results;
        try {
            results = started.thenCompose(round -> round).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return "result: timeout\nno outcome within " + timeout.toSeconds() + " s; NOTIFY goes on (see the log)";
        } catch (ExecutionException e) {
            return "result: refused\n" + e.getCause().getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "result: failed\ninterrupted";
        }
        if (results.isEmpty()) {
            return "result: failed\nno NOTIFY targets: NS hosts are the SOA MNAME, ourselves or outside only-notify,"
                    + " and there is no also-notify or ALSO-NOTIFY";
        }
        long acknowledged = results.stream().filter(NotifyResult::acknowledged).count();
        StringBuilder reply = new StringBuilder("result: ")
                .append(acknowledged == results.size() ? "acknowledged" : acknowledged == 0 ? "failed" : "partial");
        for (NotifyResult result : results) {
            reply.append('\n').append(result.describe());
        }
        return reply.toString();
    }
}
