package dev.tern.server;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.tern.config.Settings;
import dev.tern.config.TernConfig;
import dev.tern.server.events.ZoneLoader;
import dev.tern.server.query.QueryHandler;
import dev.tern.server.store.JdbcZoneStore;
import dev.tern.server.store.ZoneStore;
import dev.tern.server.transport.DnsListeners;
import dev.tern.server.transport.ListenerSettings;
import dev.tern.server.zone.Zones;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The composition root of ternd: opens the store, loads every zone, binds the listeners, and watches SQL for
 * changes made by other tools. {@link #close()} stops it all, listeners first.
 */
public final class Server implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(Server.class);

    private final TernConfig config;
    private final Zones zones = new Zones();
    private ZoneStore store;
    private ZoneLoader loader;
    private ScheduledExecutorService worker;
    private DnsListeners listeners;

    public Server(TernConfig config) {
        this.config = requireNonNull(config, "config");
    }

    /** Starts everything; on failure, what was started is stopped again and the exception thrown. */
    public Server start(boolean demo) throws InterruptedException {
        try {
            store = JdbcZoneStore.openSqlite(Path.of(config.get(Settings.GSQLITE3_DATABASE)),
                    config.get(Settings.GSQLITE3_BUSY_TIMEOUT), config.get(Settings.DEFAULT_TTL));
            if (demo) {
                DemoZone.createIfMissing(store);
            }
            loader = new ZoneLoader(store, zones);
            loader.sync();
            logger.info("serving {} zones", zones.table().size());
            worker = Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("zone-worker", true));
            int interval = config.get(Settings.SQL_POLL_INTERVAL);
            if (interval > 0) {
                worker.scheduleWithFixedDelay(this::syncQuietly, interval, interval, TimeUnit.SECONDS);
            }
            QueryHandler queries = new QueryHandler(zones::table, config.get(Settings.UDP_TRUNCATION_THRESHOLD));
            listeners = new DnsListeners(ListenerSettings.from(config), queries);
            listeners.start();
            return this;
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
    }

    private void syncQuietly() {
        try {
            loader.sync();
        } catch (RuntimeException e) {
            logger.error("checking the database for changes failed; will try again", e);
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
        worker.submit(loader::sync).get(30, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        if (listeners != null) {
            listeners.close();
        }
        if (worker != null) {
            worker.shutdownNow();
            try {
                worker.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (store != null) {
            store.close();
        }
    }
}
