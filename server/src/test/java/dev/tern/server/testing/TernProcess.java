package dev.tern.server.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import dev.tern.config.ConfigLoader;
import dev.tern.server.Server;
import dev.tern.server.store.DomainRow;
import dev.tern.server.store.JdbcZoneStore;
import dev.tern.server.zone.ZoneKind;

/** A ternd started in-process on 127.0.0.1 and ::1, port 0, over a SQLite database in a temporary directory. */
public final class TernProcess implements AutoCloseable {
    private final Server server;
    private final Path database;

    private TernProcess(Server server, Path database) {
        this.server = server;
        this.database = database;
    }

    /** Writes the zones (origin, master-file text, ...) into a new database, then starts ternd on it. */
    public static TernProcess start(Path dir, List<String> overrides, String... originsAndTexts) throws Exception {
        Path database = dir.resolve("tern.sqlite3");
        try (JdbcZoneStore store = JdbcZoneStore.openSqlite(database, 5000, 3600)) {
            for (int i = 0; i < originsAndTexts.length; i += 2) {
                writeZone(store, originsAndTexts[i], originsAndTexts[i + 1]);
            }
        }
        List<String> settings = new ArrayList<>(List.of("local-address=127.0.0.1, ::1", "local-port=0",
                "gsqlite3-database=" + database, "sql-poll-interval=1", "receiver-threads=2",
                "socket-dir=" + dir));
        settings.addAll(overrides);
        Server server = new Server(new ConfigLoader().load(settings)).start(false);
        return new TernProcess(server, database);
    }

    /** Starts ternd on an existing database (one PowerDNS made, say). */
    public static TernProcess open(Path dir, Path database, List<String> overrides) throws Exception {
        List<String> settings = new ArrayList<>(List.of("local-address=127.0.0.1, ::1", "local-port=0",
                "gsqlite3-database=" + database, "sql-poll-interval=1", "receiver-threads=2",
                "socket-dir=" + dir));
        settings.addAll(overrides);
        return new TernProcess(new Server(new ConfigLoader().load(settings)).start(false), database);
    }

    static void writeZone(JdbcZoneStore store, String origin, String text) {
        Collection<Record> records = TestZones.records(origin, text);
        DomainRow row = store.createZone(Name.fromConstantString(origin), ZoneKind.NATIVE, null);
        store.replaceRecords(row, records);
    }

    public int port() {
        return server.port();
    }

    public Server server() {
        return server;
    }

    public Path database() {
        return database;
    }

    @Override
    public void close() {
        server.close();
    }
}
