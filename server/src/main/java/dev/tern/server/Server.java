package dev.tern.server;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.tern.config.Settings;
import dev.tern.config.TernConfig;
import dev.tern.server.control.CommandRegistry;
import dev.tern.server.control.ControlCommands;
import dev.tern.server.control.ControlServer;
import dev.tern.server.events.EventTimer;
import dev.tern.server.events.Secondaries;
import dev.tern.server.events.SecondaryStatus;
import dev.tern.server.events.StoreZoneWriter;
import dev.tern.server.events.StoredMssMemory;
import dev.tern.server.events.ZoneEvents;
import dev.tern.server.events.PolicyLoader;
import dev.tern.server.events.Primaries;
import dev.tern.server.primary.NotifySender;
import dev.tern.server.primary.NotifyTargets;
import dev.tern.server.events.ZoneLoader;
import dev.tern.server.events.ZonePublisher;
import dev.tern.server.acl.Policies;
import dev.tern.server.acl.TransferAcl;
import dev.tern.server.xfr.XfrOut;
import dev.tern.server.log.LogRateLimit;
import dev.tern.server.metrics.MetricsEndpoint;
import dev.tern.server.metrics.QueryMetrics;
import dev.tern.server.metrics.TernMetrics;
import dev.tern.server.metrics.ZoneGauges;
import dev.tern.server.query.NotifyReceiver;
import dev.tern.server.secondary.Refresh;
import dev.tern.server.secondary.SoaTimers;
import dev.tern.server.secondary.XfrSettings;
import dev.tern.server.store.Journal;
import dev.tern.server.store.SecondaryStore;
import dev.tern.server.xfr.SoaQuery;
import dev.tern.server.xfr.XfrClient;
import dev.tern.server.zone.ZoneKind;
import dev.tern.server.query.QueryHandler;
import dev.tern.server.query.ServerIdentity;
import dev.tern.server.store.JdbcZoneStore;
import dev.tern.server.transport.DnsListeners;
import dev.tern.server.rdata.RecordTypes;
import dev.tern.server.transport.ListenerSettings;
import dev.tern.server.zone.Zones;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The composition root of ternd: opens the store, loads every zone, binds the listeners, and watches SQL for
 * changes made by other tools. {@link #close()} stops it all, listeners first.
 */
public final class Server implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(Server.class);
    /** How often the log rate limit looks for windows that have ended (it has {@code LogRateLimit.WINDOW}). */
    private static final Duration LOG_LIMIT_FLUSH = Duration.ofSeconds(10);

    private final TernConfig config;
    private final Zones zones = new Zones();
    private final TernMetrics metrics = TernMetrics.prometheus();
    private ZoneGauges zoneGauges;
    private MetricsEndpoint metricsEndpoint;
    private JdbcZoneStore store;
    private ZoneLoader loader;
    private ZonePublisher publisher;
    private PolicyLoader policyLoader;
    private final Policies policies = new Policies();
    private XfrOut xfrOut;
    private NotifySender notifySender;
    private Primaries primaries;
    private volatile Runnable quitAction = () -> logger.warn("quit asked on the control socket, but this ternd runs"
            + " inside another program; ignored");
    private XfrClient xfrClient;
    private EventTimer timer;
    private Secondaries secondaries;
    private ScheduledExecutorService worker;
    private DnsListeners listeners;
    private ControlServer control;
    private LogRateLimit logLimit;

    public Server(TernConfig config) {
        this.config = requireNonNull(config, "config");
    }

    /** Starts everything; on failure, what was started is stopped again and the exception thrown. */
    public Server start(boolean demo) throws InterruptedException {
        RecordTypes.register();
        try {
            store = JdbcZoneStore.openSqlite(Path.of(config.get(Settings.GSQLITE3_DATABASE)),
                    config.get(Settings.GSQLITE3_BUSY_TIMEOUT), config.get(Settings.DEFAULT_TTL));
            if (demo) {
                DemoZone.createIfMissing(store);
            }
            Clock clock = Clock.systemUTC();
            publisher = new ZonePublisher(new Journal(store.dataSource()), config.get(Settings.JOURNAL_MAX_DEPTH),
                    config.get(Settings.JOURNAL_MAX_KBYTES) * 1024L, clock);
            worker = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("zone-worker", true));
            startPrimary();
            loader = new ZoneLoader(store, zones, publisher);
            loader.sync();
            policyLoader = new PolicyLoader(new SecondaryStore(store.dataSource()), zones, policies);
            policyLoader.load();
            zoneGauges = new ZoneGauges(metrics.registry(), clock);
            logger.info("serving {} zones", zones.table().size());
            logLimit = LogRateLimit.standard(clock, metrics.registry());
            // Summaries of sources gone quiet; busy sources get theirs with their next line.
            worker.scheduleWithFixedDelay(logLimit::flush, LOG_LIMIT_FLUSH.toSeconds(), LOG_LIMIT_FLUSH.toSeconds(),
                    TimeUnit.SECONDS);
            NotifyReceiver notifies = startSecondary();
            int interval = config.get(Settings.SQL_POLL_INTERVAL);
            if (interval > 0) {
                worker.scheduleWithFixedDelay(this::syncQuietly, interval, interval, TimeUnit.SECONDS);
            }
            startControl();
            QueryHandler queries = new QueryHandler(zones::table, config.get(Settings.UDP_TRUNCATION_THRESHOLD),
                    notifies, ServerIdentity.of(config.get(Settings.VERSION_STRING), config.get(Settings.SERVER_ID),
                            Version.string(), ServerIdentity.hostName()));
            xfrOut = new XfrOut(zones::table, policies, new TransferAcl(config.get(Settings.DISABLE_AXFR),
                    config.get(Settings.ALLOW_AXFR_IPS)), new XfrOut.Limits(config.get(Settings.XFR_OUT_MAX_CONCURRENT),
                    config.get(Settings.XFR_OUT_MAX_PER_CLIENT)), metrics, clock, logLimit);
            queries.transfersTo(xfrOut);
            queries.limitLogsWith(logLimit);
            queries.keysFrom(name -> policies.keyring().get(name));
            queries.observeWith(new QueryMetrics(metrics.registry()));
            listeners = new DnsListeners(ListenerSettings.from(config), queries);
            listeners.start();
            io.micrometer.core.instrument.Gauge.builder("tern.tcp.connections", listeners,
                    DnsListeners::openTcpConnections).description("TCP connections open now")
                    .register(metrics.registry());
            worker.submit(this::updateZoneGauges);
            if (config.get(Settings.WEBSERVER)) {
                metricsEndpoint = MetricsEndpoint.start(new java.net.InetSocketAddress(
                        config.get(Settings.WEBSERVER_ADDRESS).get(0), config.get(Settings.WEBSERVER_PORT)),
                        (io.micrometer.prometheusmetrics.PrometheusMeterRegistry) metrics.registry());
            }
            worker.submit(primaries::afterSync);
            return this;
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        } catch (Exception e) {
            // Netty reports a failed bind (address in use, no such address) as a checked exception.
            close();
            throw new IllegalStateException("cannot listen: " + e.getMessage(), e);
        }
    }

    /**
     * Builds the secondary side when {@code secondary=yes}: the transfer client, the refresh procedure and the
     * event queues. Events run on the zone worker, the thread that also loads zones from SQL, so a load and a
     * refresh of one zone never overlap.
     */
    private NotifyReceiver startSecondary() {
        long secondaryZones = zones.table().zones().stream().filter(z -> z.kind() == ZoneKind.SECONDARY).count();
        if (!config.get(Settings.SECONDARY)) {
            if (secondaryZones > 0) {
                logger.warn("{} secondary (SLAVE) zones are served as stored but never refreshed: secondary=no",
                        secondaryZones);
            }
            return Secondaries.disabled(logLimit);
        }
        Clock clock = Clock.systemUTC();
        xfrClient = new XfrClient();
        SecondaryStore stateStore = new SecondaryStore(store.dataSource());
        Journal journal = new Journal(store.dataSource());
        StoreZoneWriter writer = new StoreZoneWriter(store, journal, zones, clock, publisher);
        Refresh refresh = new Refresh(xfrClient, new SoaQuery(), writer, new StoredMssMemory(stateStore, clock),
                XfrSettings.from(config));
        SoaTimers timers = new SoaTimers(Duration.ofSeconds(config.get(Settings.MIN_REFRESH_INTERVAL)),
                Duration.ofSeconds(config.get(Settings.MAX_REFRESH_INTERVAL)),
                Duration.ofSeconds(config.get(Settings.MIN_RETRY_INTERVAL)),
                Duration.ofSeconds(config.get(Settings.MAX_RETRY_INTERVAL)));
        secondaries = new Secondaries(store, stateStore, zones, refresh, timers, clock, new Random(),
                config.get(Settings.ALLOW_NOTIFY_FROM), metrics, logLimit);
        // A transfer's timers commit with its records and journal entry.
        writer.recordStateWith(secondaries::writeState);
        timer = new EventTimer();
        ZoneEvents events = new ZoneEvents(clock, worker, secondaries, timer::wake);
        secondaries.attach(events);
        secondaries.reconcile();
        timer.start(events);
        logger.info("secondary: {} zones, transfers with mss {}{}", secondaryZones,
                config.get(Settings.XFR_TCP_MSS) == 0 ? "kernel" : config.get(Settings.XFR_TCP_MSS),
                config.get(Settings.XFR_AUTO_MSS) ? " and automatic fallback" : "");
        return secondaries;
    }

    /**
     * Builds the NOTIFY side: a primary zone whose serial goes up, or a secondary zone that re-notifies, starts a
     * NOTIFY round from the publisher, on the zone worker.
     */
    private void startPrimary() throws InterruptedException {
        notifySender = new NotifySender(config.get(Settings.QUERY_LOCAL_ADDRESS), config.get(Settings.NOTIFY_TRIES));
        NotifyTargets targets = new NotifyTargets(config.get(Settings.ALSO_NOTIFY), config.get(Settings.ONLY_NOTIFY),
                this::isSelf, NotifyTargets.systemResolver());
        primaries = new Primaries(store, zones, policies, targets, notifySender, config.get(Settings.PRIMARY),
                config.get(Settings.SECONDARY_DO_RENOTIFY), metrics, worker);
        publisher.listen(primaries);
    }

    /** Whether a NOTIFY target is one of our own listeners (PowerDNS's prevent-self-notification). */
    private boolean isSelf(java.net.InetSocketAddress target) {
        if (listeners == null || target.getPort() != listeners.port()) {
            return false;
        }
        for (java.net.InetAddress local : config.get(Settings.LOCAL_ADDRESS)) {
            if (local.equals(target.getAddress())) {
                return true;
            }
            if (local.isAnyLocalAddress()) {
                try {
                    return target.getAddress().isLoopbackAddress()
                            || java.net.NetworkInterface.getByInetAddress(target.getAddress()) != null;
                } catch (java.net.SocketException e) {
                    return false;
                }
            }
        }
        return false;
    }

    /** Starts the control socket; a live daemon on the same socket stops this start. */
    private void startControl() throws java.io.IOException {
        Path socket = Path.of(config.get(Settings.SOCKET_DIR)).resolve(config.get(Settings.CONTROL_SOCKET_NAME));
        CommandRegistry registry = ControlCommands.registry(Version.string(), Clock.systemUTC(), config, zones,
                secondaries, primaries, metrics, this::storedSerial,
                () -> {
                    Thread quit = new Thread(() -> {
                        try {
                            // Let the reply reach the client first, as PowerDNS does with its 1 s alarm.
                            Thread.sleep(1000);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        quitAction.run();
                    }, "quit");
                    quit.setDaemon(true);
                    quit.start();
                    return "Exiting";
                },
                () -> {
                    worker.submit(this::syncQuietly).get(60, TimeUnit.SECONDS);
                    return "Ok";
                }, this::reloadZone);
        control = ControlServer.start(socket, config.get(Settings.CONTROL_SOCKET_GROUP), registry,
                Duration.ofSeconds(config.get(Settings.CONTROL_SOCKET_TIMEOUT)));
    }

    private String reloadZone(String text) {
        org.xbill.DNS.Name name;
        try {
            name = org.xbill.DNS.Name.fromString(text, org.xbill.DNS.Name.root);
        } catch (org.xbill.DNS.TextParseException e) {
            return "Failed to parse '" + text + "' as a valid zone name";
        }
        try {
            boolean loaded = worker.submit(() -> loader.reload(name)).get(60, TimeUnit.SECONDS);
            return loaded ? "Ok" : "Error: zone " + name + " is unknown, or its data is broken (the log names the row)";
        } catch (java.util.concurrent.TimeoutException e) {
            return "Error: reloading " + name + " did not end within 60 s; it goes on (see the log)";
        } catch (Exception e) {
            return "Error: reloading " + name + " failed: " + dev.tern.server.zone.Problems.describe(e);
        }
    }

    /** The apex serial of a zone in SQL now, read on the zone worker; null when there is none or it cannot be read. */
    private Long storedSerial(org.xbill.DNS.Name name) {
        try {
            return worker.submit(() -> {
                for (dev.tern.server.store.DomainRow row : store.domains()) {
                    if (row.name().equals(name) && row.soaContent() != null) {
                        String[] fields = row.soaContent().trim().split("\\s+");
                        return fields.length > 2 ? Long.parseLong(fields[2]) : null;
                    }
                }
                return (Long) null;
            }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            return null;
        }
    }

    private void updateZoneGauges() {
        zoneGauges.update(zones.table().zones(), zone -> {
            SecondaryStatus status = secondaries == null ? null : secondaries.status(zone.name());
            return status == null ? null : status.state().lastSuccess();
        });
    }

    /** The port of the metrics endpoint (useful with webserver-port=0); -1 when it is off. */
    public int metricsPort() {
        return metricsEndpoint == null ? -1 : metricsEndpoint.port();
    }

    /** What the control socket's {@code quit} does (after its reply is sent); {@code Main} makes it exit. */
    public void onQuit(Runnable action) {
        this.quitAction = requireNonNull(action, "action");
    }

    /** The control socket's path. */
    public Path controlSocket() {
        return control.path();
    }

    /** The metrics of this daemon. */
    public TernMetrics metrics() {
        return metrics;
    }

    /** The secondary side, or null with secondary=no. */
    public Secondaries secondaries() {
        return secondaries;
    }

    private void syncQuietly() {
        try {
            loader.sync();
            policyLoader.load();
            primaries.afterSync();
            if (secondaries != null) {
                secondaries.reconcile();
            }
            updateZoneGauges();
        } catch (RuntimeException e) {
            logger.error("checking the database for changes failed, will try again at the next poll: {}",
                    dev.tern.server.zone.Problems.describe(e));
            logger.debug("database check failure", e);
        }
    }

    /** The DNS port bound (useful with local-port=0). */
    public int port() {
        return listeners.port();
    }

    public Zones zones() {
        return zones;
    }

    /** Re-reads the zone list and changed zones now, on the zone worker; waits for it. */
    public void syncNow() throws Exception {
        worker.submit(this::syncQuietly).get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (control != null) {
            control.close();
        }
        if (listeners != null) {
            listeners.close();
        }
        if (timer != null) {
            timer.close();
        }
        if (worker != null) {
            worker.shutdownNow();
            try {
                worker.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (logLimit != null) {
            // What the rate limit held back is told before the log ends.
            logLimit.flushAll();
        }
        if (xfrClient != null) {
            xfrClient.close();
        }
        if (notifySender != null) {
            notifySender.close();
        }
        if (metricsEndpoint != null) {
            metricsEndpoint.close();
        }
        if (store != null) {
            store.close();
        }
        metrics.close();
    }
}
