package dev.tern.server.events;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;
import dev.tern.server.acl.Policies;
import dev.tern.server.acl.ZonePolicy;
import dev.tern.server.metrics.TernMetrics;
import dev.tern.server.primary.NotifyResult;
import dev.tern.server.primary.NotifySender;
import dev.tern.server.primary.NotifyTargets;
import dev.tern.server.secondary.Serials;
import dev.tern.server.store.StoreException;
import dev.tern.server.store.ZoneStore;
import dev.tern.server.zone.Zone;
import dev.tern.server.zone.ZoneKind;
import dev.tern.server.zone.ZoneSnapshot;
import dev.tern.server.zone.Zones;

/**
 * The primary side of the daemon: after each publish decides whether the zone's secondaries must hear of it, and
 * starts a NOTIFY round. A primary zone ({@code MASTER}, with {@code primary=yes}) is notified when its serial goes
 * up, and at its first load when {@code domains.notified_serial} differs from its serial (a change made while we
 * were down); a secondary zone re-notifies after a transfer when {@code SLAVE-RENOTIFY} or
 * {@code secondary-do-renotify} say so; {@code NATIVE} zones never. Each target's outcome is logged once.
 */
public final class Primaries implements ZonePublisher.Listener {
    private static final Logger logger = LoggerFactory.getLogger(Primaries.class);

    private final ZoneStore store;
    private final Zones zones;
    private final Policies policies;
    private final NotifyTargets targets;
    private final NotifySender sender;
    private final boolean primary;
    private final boolean renotify;
    private final TernMetrics metrics;
    private final java.util.concurrent.Executor worker;
    /** Primary zones loaded for the first time, checked against notified_serial once policies are read too. */
    private final java.util.Set<Name> firstLoads = new java.util.LinkedHashSet<>();

    public Primaries(ZoneStore store, Zones zones, Policies policies, NotifyTargets targets, NotifySender sender,
                     boolean primary, boolean renotify, TernMetrics metrics, java.util.concurrent.Executor worker) {
        this.store = requireNonNull(store, "store");
        this.zones = requireNonNull(zones, "zones");
        this.policies = requireNonNull(policies, "policies");
        this.targets = requireNonNull(targets, "targets");
        this.sender = requireNonNull(sender, "sender");
        this.primary = primary;
        this.renotify = renotify;
        this.metrics = requireNonNull(metrics, "metrics");
        this.worker = requireNonNull(worker, "worker");
    }

    @Override
    public void published(Zone zone, ZoneSnapshot previous, ZoneSnapshot next) {
        boolean newer = previous != null && Serials.isNewer(next.serial(), previous.serial());
        if (zone.kind() == ZoneKind.PRIMARY && primary) {
            if (newer) {
                start(zone, next, "serial " + previous.serial() + " -> " + next.serial());
            } else if (previous == null) {
                firstLoads.add(zone.name());
            }
        } else if (zone.kind() == ZoneKind.SECONDARY && newer) {
            ZonePolicy policy = policies.of(zone.name());
            if (policy.renotify() != null ? policy.renotify() : renotify) {
                start(zone, next, "transferred serial " + next.serial() + ", re-notifying");
            }
        }
    }

    /**
     * After a sync (zones and policies read): notifies the primary zones loaded for the first time whose serial is
     * not the {@code notified_serial} (changed while we were down, or new). Zone worker.
     */
    public void afterSync() {
        for (Name name : List.copyOf(firstLoads)) {
            firstLoads.remove(name);
            Zone zone = zones.table().get(name);
            ZoneSnapshot snapshot = zone == null ? null : zone.snapshot();
            if (snapshot == null || zone.kind() != ZoneKind.PRIMARY || !primary) {
                continue;
            }
            Long notified = notifiedSerial(zone);
            if (notified == null || notified != snapshot.serial()) {
                start(zone, snapshot, "serial " + snapshot.serial() + " not notified yet (notified_serial "
                        + (notified == null ? "empty" : notified) + ")");
            }
        }
    }

    /**
     * Notifies a zone's secondaries now, whatever its serial (the control socket's {@code notify}), on the zone
     * worker.
     *
     * @return completes when the round has started, with the future of its results; fails when the zone cannot be
     *     notified, saying why
     */
    public CompletableFuture<CompletableFuture<List<NotifyResult>>> notifyNow(Name name) {
        return CompletableFuture.supplyAsync(() -> startNow(name), worker);
    }

    /** Notifies one host of a zone's serial (the control socket's {@code notify-host}), on the zone worker. */
    public CompletableFuture<CompletableFuture<List<NotifyResult>>> notifyHost(Name name, InetSocketAddress host) {
        return CompletableFuture.supplyAsync(() -> {
            Zone zone = zones.table().get(name);
            if (zone == null || zone.snapshot() == null) {
                throw new IllegalArgumentException("zone " + name + (zone == null ? " is not served"
                        : " has no data yet"));
            }
            return send(zone, zone.snapshot(), List.of(host), "asked for by the control socket, to one host");
        }, worker);
    }

    private CompletableFuture<List<NotifyResult>> startNow(Name name) {
        Zone zone = zones.table().get(name);
        if (zone == null) {
            throw new IllegalArgumentException("zone " + name + " is not served");
        }
        ZoneSnapshot snapshot = zone.snapshot();
        if (snapshot == null) {
            throw new IllegalStateException("zone " + name + " has no data yet");
        }
        if (zone.kind() == ZoneKind.NATIVE) {
            throw new IllegalStateException("zone " + name + " is NATIVE; only MASTER zones (and SLAVE zones, which"
                    + " re-notify) send NOTIFY");
        }
        if (zone.kind() == ZoneKind.PRIMARY && !primary) {
            throw new IllegalStateException("this server runs with primary=no (set primary=yes to notify MASTER"
                    + " zones)");
        }
        return start(zone, snapshot, "asked for by the control socket");
    }

    private CompletableFuture<List<NotifyResult>> start(Zone zone, ZoneSnapshot snapshot, String why) {
        ZonePolicy policy = policies.of(zone.name());
        List<InetSocketAddress> list = targets.of(snapshot, policy);
        return send(zone, snapshot, list, why);
    }

    private CompletableFuture<List<NotifyResult>> send(Zone zone, ZoneSnapshot snapshot, List<InetSocketAddress> list,
                                                       String why) {
        ZonePolicy policy = policies.of(zone.name());
        long serial = snapshot.serial();
        try {
            store.setNotifiedSerial(zone.id(), serial);
        } catch (StoreException e) {
            logger.warn("[{}] notified_serial not recorded: {}", zone.name(), e.getMessage());
        }
        if (list.isEmpty()) {
            logger.info("[{}] NOTIFY-out: {}; no targets (NS hosts are the SOA MNAME, ourselves or outside"
                    + " only-notify, and no also-notify / ALSO-NOTIFY)", zone.name(), why);
            return CompletableFuture.completedFuture(List.of());
        }
        TSIG key = null;
        if (policy.notifyKey() != null) {
            key = policies.keyring().get(policy.notifyKey());
            if (key == null) {
                logger.warn("[{}] NOTIFY-out: key '{}' (TSIG-ALLOW-AXFR) is not in the tsigkeys table; sending"
                        + " unsigned", zone.name(), policy.notifyKey());
            }
        }
        logger.info("[{}] NOTIFY-out: {}; to {} targets", zone.name(), why, list.size());
        Name name = zone.name();
        return sender.notify(snapshot.soa(), list, key, result -> {
            metrics.notifyOut(result.result());
            if (result.acknowledged()) {
                logger.info("[{}] NOTIFY-out to {}: acknowledged, serial {} ({} tries)", name, address(result), serial,
                        result.tries());
            } else if (result.result().equals("superseded")) {
                logger.info("[{}] NOTIFY-out to {}: serial {} superseded {}", name, address(result), serial,
                        result.detail());
            } else if (result.result().equals("error")) {
                // A TSIG error explains itself; otherwise the usual cause is a secondary that does not list us.
                logger.warn("[{}] NOTIFY-out to {}: answered {}, serial {}{}", name, address(result), result.detail(),
                        serial, result.tsigError() != org.xbill.DNS.Rcode.NOERROR ? ""
                                : "; the secondary refuses our NOTIFY (is this server one of its primaries?)");
            } else {
                logger.warn("[{}] NOTIFY-out to {}: given up after {} tries, serial {}{}", name, address(result),
                        result.tries(), serial, result.detail().isEmpty() ? "" : " (" + result.detail() + ")");
            }
        });
    }

    private Long notifiedSerial(Zone zone) {
        try {
            return store.notifiedSerial(zone.id());
        } catch (StoreException e) {
            logger.warn("[{}] cannot read notified_serial: {}", zone.name(), e.getMessage());
            return null;
        }
    }

    private static String address(NotifyResult result) {
        return result.target().getAddress().getHostAddress() + ":" + result.target().getPort();
    }
}
