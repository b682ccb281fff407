package dev.tern.server.control;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.xbill.DNS.Name;
import org.xbill.DNS.TextParseException;
import dev.tern.server.events.Secondaries;
import dev.tern.server.events.SecondaryStatus;
import dev.tern.server.secondary.Primary;
import dev.tern.server.secondary.RefreshOutcome;
import dev.tern.server.zone.Zone;
import dev.tern.server.zone.ZoneKind;
import dev.tern.server.zone.ZoneSnapshot;
import dev.tern.server.zone.Zones;

/**
 * The zone commands: {@code list-zones}, {@code retrieve} (PowerDNS's fire-and-forget text) and {@code
 * retrieve-wait} (Tern's: waits and tells the outcome), {@code zone-status}.
 */
final class ZoneCommands {
    /** Longest wait a {@code retrieve-wait} accepts. */
    static final Duration MAX_WAIT = Duration.ofMinutes(30);

    private final Zones zones;
    private final Secondaries secondaries;
    private final java.util.function.Function<Name, Long> storedSerial;

    /** @param storedSerial the apex serial in SQL now (read on the zone worker), or null when there is none */
    ZoneCommands(Zones zones, Secondaries secondaries, java.util.function.Function<Name, Long> storedSerial) {
        this.zones = zones;
        this.secondaries = secondaries;
        this.storedSerial = storedSerial;
    }

    void register(CommandRegistry registry) {
        registry.add("list-zones [primary|secondary|native]", "List the zones served, also secondaries without data",
                this::listZones);
        registry.add("retrieve <zone> [<ip>]", "Plan a refresh of a secondary zone now and return at once",
                args -> retrieve(args, false));
        registry.add("retrieve-wait <zone> [<ip>] [<seconds>]",
                "Refresh a secondary zone now and answer with the outcome", args -> retrieve(args, true));
        registry.add("xfr-queue", "Refreshes due and waiting for their turn: 'zone. ip' per line",
                args -> secondaries == null ? "" : String.join("\n", secondaries.xfrQueue()));
        registry.add("zone-status [<zone>]", "Serial, timers, last check and last transfer of zones",
                this::zoneStatus);
    }

    private String listZones(List<String> args) {
        ZoneKind only = null;
        String label = "All";
        if (!args.isEmpty()) {
            String kind = args.get(0).toLowerCase(Locale.ROOT);
            switch (kind) {
                case "primary": case "master":
                    only = ZoneKind.PRIMARY;
                    label = "Master";
                    break;
                case "secondary": case "slave":
                    only = ZoneKind.SECONDARY;
                    label = "Slave";
                    break;
                default:
                    only = ZoneKind.NATIVE;
                    label = "Native";
            }
        }
        StringBuilder reply = new StringBuilder();
        int count = 0;
        for (Zone zone : sorted()) {
            if (only == null || zone.kind() == only) {
                reply.append(zone.name()).append('\n');
                count++;
            }
        }
        return reply.append(label).append(" zonecount: ").append(count).toString();
    }

    private String retrieve(List<String> args, boolean wait) throws Exception {
        if (args.isEmpty() || args.size() > (wait ? 3 : 2)) {
            return wait ? "syntax: retrieve-wait zone [ip] [seconds]" : "syntax: retrieve zone [ip]";
        }
        Name name;
        try {
            name = Name.fromString(args.get(0), Name.root);
        } catch (TextParseException e) {
            return "Failed to parse '" + args.get(0) + "' as a valid zone name";
        }
        Primary forced = null;
        Duration timeout = Duration.ofSeconds(60);
        for (String arg : args.subList(1, args.size())) {
            if (wait && arg.matches("\\d+")) {
                timeout = Duration.ofSeconds(Math.min(Long.parseLong(arg), MAX_WAIT.toSeconds()));
                continue;
            }
            try {
                forced = Primary.parse(arg);
            } catch (IllegalArgumentException e) {
                return "Invalid primary address";
            }
        }
        Zone zone = zones.table().get(name);
        if (zone == null) {
            return wait ? "result: refused\nzone " + name + " is unknown" : " Zone '" + name + "' unknown";
        }
        if (secondaries == null) {
            return (wait ? "result: refused\n" : "") + "Error: this server runs with secondary=no, so it refreshes"
                    + " no zone; set secondary=yes";
        }
        String refusal = secondaries.refusal(name);
        if (refusal != null) {
            return wait ? "result: refused\n" + refusal
                    : "Zone '" + name + "' is not a secondary/consumer zone (or has no primary defined)";
        }
        boolean running = secondaries.isRefreshing(name);
        CompletableFuture<RefreshOutcome> outcome = secondaries.requestRefresh(name, forced);
        SecondaryStatus status = secondaries.status(name);
        Primary first = forced != null ? forced : status.primaries().get(0);
        String bare = name.toString(true);
        if (!wait) {
            if (running) {
                return "Refresh of '" + bare + "' is running now; another one will run right after it, from primary "
                        + first;
            }
            return "Added retrieval request for '" + bare + "' from primary " + first;
        }
        try {
            return describe(outcome.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            return "result: timeout\nno outcome within " + timeout.toSeconds() + " s; the refresh goes on"
                    + " (see zone-status " + bare + ")";
        } catch (ExecutionException e) {
            return "result: refused\n" + e.getCause().getMessage();
        }
    }

    static String describe(RefreshOutcome outcome) {
        String result = outcome instanceof RefreshOutcome.Failed ? "failed"
                : outcome instanceof RefreshOutcome.Transferred ? "transferred" : "up-to-date";
        return "result: " + result + "\n" + outcome.describe();
    }

    private String zoneStatus(List<String> args) throws TextParseException {
        List<Zone> selected = new ArrayList<>();
        if (args.isEmpty()) {
            selected.addAll(sorted());
        } else {
            Zone zone = zones.table().get(Name.fromString(args.get(0), Name.root));
            if (zone == null) {
                return "Error: zone " + args.get(0) + " is unknown";
            }
            selected.add(zone);
        }
        StringBuilder reply = new StringBuilder();
        for (Zone zone : selected) {
            if (reply.length() > 0) {
                reply.append('\n');
            }
            status(zone, reply);
        }
        return reply.toString();
    }

    private void status(Zone zone, StringBuilder reply) {
        ZoneSnapshot snapshot = zone.snapshot();
        reply.append("zone: ").append(zone.name()).append('\n');
        reply.append("role: ").append(zone.kind().column()).append('\n');
        reply.append("served serial: ").append(snapshot == null ? "none" : Long.toString(snapshot.serial()))
                .append(zone.isExpired() ? " (expired: answering SERVFAIL)" : "").append('\n');
        Long stored = storedSerial.apply(zone.name());
        reply.append("stored serial: ").append(stored == null ? "none" : Long.toString(stored)).append('\n');
        if (snapshot != null) {
            reply.append("broken rows: ").append(snapshot.brokenRows().size()).append(snapshot.brokenRows().isEmpty()
                    ? "" : " (their names answer SERVFAIL for their types; transfers out are refused)").append('\n');
            for (String row : snapshot.brokenRows()) {
                reply.append("  ").append(row).append('\n');
            }
            snapshot.signingProblem().ifPresent(problem -> reply.append("signing: served unsigned: ")
                    .append(problem).append('\n'));
        }
        SecondaryStatus status = secondaries == null ? null : secondaries.status(zone.name());
        if (status == null) {
            return;
        }
        reply.append("primaries: ").append(Primary.toColumn(status.primaries())).append('\n');
        if (!status.primarySerials().isEmpty()) {
            StringBuilder seen = new StringBuilder();
            status.primarySerials().forEach((primary, serial) -> seen.append(seen.length() == 0 ? "" : ", ")
                    .append(primary).append(' ').append(serial));
            reply.append("primaries' serials: ").append(seen).append('\n');
        }
        reply.append("last check: ").append(time(status.lastCheck())).append('\n');
        reply.append("last success: ").append(time(status.state().lastSuccess())).append('\n');
        reply.append("next refresh: ").append(status.refreshing() ? "running now" : time(status.nextRefresh()))
                .append('\n');
        reply.append("expire at: ").append(time(status.state().expireAt())).append('\n');
        reply.append("failures in a row: ").append(status.state().failures()).append('\n');
        RefreshOutcome last = status.lastOutcome();
        reply.append("last result: ").append(last == null ? (status.state().lastResult() == null ? "none"
                : status.state().lastResult()) : last.describe()).append('\n');
        reply.append("last transfer: ").append(status.lastTransfer() == null ? "none since start"
                : status.lastTransfer().describe()).append('\n');
        reply.append("last error: ").append(status.lastFailure() == null ? "none since start"
                : status.lastFailure().describe()).append('\n');
    }

    private static String time(Instant instant) {
        return instant == null ? "never" : instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    }

    private List<Zone> sorted() {
        List<Zone> all = new ArrayList<>(zones.table().zones());
        all.sort(Comparator.comparing(Zone::name));
        return all;
    }
}
