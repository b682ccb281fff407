package dev.tern.server.events;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.xbill.DNS.TSIG;
import dev.tern.server.secondary.Primary;
import dev.tern.server.secondary.RefreshOutcome;
import dev.tern.server.store.SecondaryState;

/**
 * A secondary zone's runtime: its configuration as read from SQL (primaries, TSIG key), replaced whole when it
 * changes, and its timer state and last outcome, written only by the zone's worker. The event loop reads the
 * configuration (for NOTIFY) through a volatile field.
 */
final class SecondaryZone {
    /** The configuration read from {@code domains.master} and the zone's metadata. */
    record Config(List<Primary> primaries, TSIG tsig, String tsigName, java.net.InetAddress source) {
        Config {
            primaries = List.copyOf(requireNonNull(primaries, "primaries"));
        }
    }

    volatile Config config;
    volatile Primary notifiedBy;
    volatile SecondaryState state;
    /** The state written in the transaction of the transfer now running, for the outcome to take; else null. */
    volatile SecondaryState committing;
    volatile RefreshOutcome lastOutcome;
    volatile RefreshOutcome.Transferred lastTransfer;
    volatile RefreshOutcome.Failed lastFailure;
    /** The serial each primary answered last, by primary; replaced as a whole. */
    volatile java.util.Map<Primary, Long> primarySerials = java.util.Map.of();
    volatile java.time.Instant lastCheck;
    /** Operators waiting for the next refresh to end; taken by the refresh that starts next. */
    final java.util.List<java.util.concurrent.CompletableFuture<RefreshOutcome>> waiters =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    SecondaryZone(Config config, SecondaryState state) {
        this.config = requireNonNull(config, "config");
        this.state = requireNonNull(state, "state");
    }

    /** The primaries in the order to try them: the sender of the last NOTIFY (or a retrieve's primary) first. */
    List<Primary> primariesInOrder() {
        Primary first = notifiedBy;
        List<Primary> primaries = config.primaries();
        // A primary named by an operator's retrieve may be one not listed in domains.master, as in PowerDNS.
        if (first == null || primaries.get(0).equals(first)) {
            return primaries;
        }
        List<Primary> ordered = new java.util.ArrayList<>(primaries.size());
        ordered.add(first);
        for (Primary primary : primaries) {
            if (!primary.equals(first)) {
                ordered.add(primary);
            }
        }
        return ordered;
    }

    /** The primary whose address sent a NOTIFY (any port), or null. */
    Primary primaryAt(java.net.InetAddress source) {
        for (Primary primary : config.primaries()) {
            if (primary.address().getAddress().equals(source)) {
                return primary;
            }
        }
        return null;
    }

    /** Keeps what {@code zone-status} shows of an outcome: the last transfer or failure, each primary's serial. */
    void remember(RefreshOutcome outcome) {
        Primary primary = null;
        long serial = -1;
        if (outcome instanceof RefreshOutcome.Transferred transferred) {
            lastTransfer = transferred;
            primary = transferred.primary();
            serial = transferred.toSerial();
        } else if (outcome instanceof RefreshOutcome.UpToDate upToDate) {
            primary = upToDate.primary();
            serial = upToDate.serial();
        } else if (outcome instanceof RefreshOutcome.Failed failed) {
            lastFailure = failed;
        }
        if (primary != null) {
            java.util.Map<Primary, Long> serials = new java.util.LinkedHashMap<>(primarySerials);
            serials.put(primary, serial);
            primarySerials = java.util.Map.copyOf(serials);
        }
    }
}
