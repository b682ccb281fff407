package dev.tern.server.testing;

import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.slf4j.LoggerFactory;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import dev.tern.config.ConfigLoader;
import dev.tern.server.Server;
import dev.tern.server.store.JdbcZoneStore;
import dev.tern.server.store.SecondaryState;
import dev.tern.server.store.SecondaryStore;
import dev.tern.server.zone.ZoneKind;

/**
 * A ternd started in-process on 127.0.0.1, port 0, as the secondary of one primary on 127.0.0.1 for some zones
 * (as {@code secondary.SecondaryFromKnotTest} sets it up). When a serial does not arrive in time the failure carries
 * ternd's own account of its last transfer ({@code tern_zone_state.last_result}).
 */
public final class TernSecondary implements AutoCloseable {
    private final Server server;
    private final Path database;
    private final Map<String, Long> domainIds;
    private final RecentLog log;

    private TernSecondary(Server server, Path database, Map<String, Long> domainIds, RecentLog log) {
        this.server = server;
        this.database = database;
        this.domainIds = domainIds;
        this.log = log;
    }

    /** Creates the secondary zones (origins without the trailing dot) in a new database and starts ternd. */
    public static TernSecondary start(Path dir, int primaryPort, List<String> zones) throws Exception {
        Path database = dir.resolve("tern.sqlite3");
        Map<String, Long> ids = new LinkedHashMap<>();
        try (JdbcZoneStore store = JdbcZoneStore.openSqlite(database, 5000, 3600)) {
            for (String zone : zones) {
                ids.put(zone, store.createZone(Name.fromString(zone + "."), ZoneKind.SECONDARY,
                        "127.0.0.1:" + primaryPort).id());
            }
        }
        RecentLog log = new RecentLog();
        log.start();
        ((Logger) LoggerFactory.getLogger("dev.tern")).addAppender(log);
        Server server = new Server(new ConfigLoader().load(List.of("local-address=127.0.0.1", "local-port=0",
                "gsqlite3-database=" + database, "secondary=yes", "sql-poll-interval=1", "socket-dir=" + dir)))
                .start(false);
        return new TernSecondary(server, database, ids, log);
    }

    public int port() {
        return server.port();
    }

    /** Polls the zone's SOA over TCP (bounded by {@code limit}) until ternd serves {@code serial}. */
    public void awaitSerial(String zone, long serial, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        SimpleResolver resolver = new SimpleResolver("127.0.0.1");
        resolver.setPort(port());
        resolver.setTimeout(Duration.ofMillis(500));
        resolver.setTCP(true);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try {
                Message answer = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(zone + "."),
                        Type.SOA, DClass.IN)));
                List<Record> records = answer.getSection(Section.ANSWER);
                if (!records.isEmpty() && records.get(0) instanceof SOARecord soa) {
                    if (soa.getSerial() == serial) {
                        return;
                    }
                    last = "serial " + soa.getSerial();
                } else {
                    last = "rcode " + Rcode.string(answer.getRcode());
                }
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(100);
        }
        fail("ternd did not serve serial " + serial + " of " + zone + " within " + limit + " (its SOA answer: "
                + last + "); ternd's last transfer result: " + lastResult(zone) + "; ternd's log about it:\n"
                + log(zone));
    }

    /** What ternd recorded about its last refresh of the zone. */
    public String lastResult(String zone) {
        try (JdbcZoneStore store = JdbcZoneStore.openSqlite(database, 5000, 3600)) {
            SecondaryState state = new SecondaryStore(store.dataSource()).state(domainIds.get(zone));
            return state.lastResult() + " (failures in a row: " + state.failures() + ")";
        } catch (RuntimeException e) {
            return "unreadable: " + e;
        }
    }

    /** ternd's recent log lines about the zone (INFO and up), with the first lines of any exception. */
    public String log(String zone) {
        return String.join("\n", log.about("[" + zone + ".]"));
    }

    @Override
    public void close() {
        try {
            server.close();
        } finally {
            ((Logger) LoggerFactory.getLogger("dev.tern")).detachAppender(log);
            log.stop();
        }
    }

    /** The last few hundred INFO-and-up lines ternd logged, bounded so a long run cannot fill the heap. */
    private static final class RecentLog extends AppenderBase<ILoggingEvent> {
        private static final int KEPT = 500;
        private final Deque<String> lines = new ArrayDeque<>();

        @Override
        protected void append(ILoggingEvent event) {
            if (!event.getLevel().isGreaterOrEqual(Level.INFO)) {
                return;
            }
            StringBuilder line = new StringBuilder(event.getLevel() + " " + event.getFormattedMessage());
            for (IThrowableProxy cause = event.getThrowableProxy(); cause != null; cause = cause.getCause()) {
                line.append("\n    ").append(cause.getClassName()).append(": ").append(cause.getMessage());
                var frames = cause.getStackTraceElementProxyArray();
                for (int i = 0; i < Math.min(4, frames.length); i++) {
                    line.append("\n      ").append(frames[i].getSTEAsString());
                }
            }
            lines.addLast(line.toString());
            if (lines.size() > KEPT) {
                lines.removeFirst();
            }
        }

        /** AppenderBase.doAppend holds this object's lock while appending; reading takes the same lock. */
        synchronized List<String> about(String text) {
            List<String> about = new ArrayList<>();
            for (String line : lines) {
                if (line.contains(text)) {
                    about.add(line);
                }
            }
            return about.subList(Math.max(0, about.size() - 20), about.size());
        }
    }
}
