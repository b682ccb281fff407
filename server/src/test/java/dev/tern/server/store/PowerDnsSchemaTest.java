package dev.tern.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.tern.server.testing.Peers;

/**
 * The schema Tern creates is PowerDNS's gsqlite3 schema, table for table and index for index; opening a database
 * PowerDNS made changes none of its tables; WAL is on.
 */
class PowerDnsSchemaTest {
    private static final Path POWERDNS_SCHEMA = Path.of("/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql");

    static String sqlite3(Path database, String sql) throws Exception {
        Peers.Result result = Peers.run(30, Peers.require("sqlite3", "sqlite3"), database.toString(), sql);
        assertThat(result.exitCode()).as(result.output()).isZero();
        return result.output();
    }

    /** Columns (name, type, not null, default, primary key), per table; indexes with their columns. */
    static String shape(Path database) throws Exception {
        StringBuilder shape = new StringBuilder();
        for (String table : List.of("domains", "records", "supermasters", "comments", "domainmetadata",
                "cryptokeys", "tsigkeys")) {
            shape.append(table).append('\n').append(sqlite3(database, "PRAGMA table_info(" + table + ")"));
            shape.append(sqlite3(database, "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = '"
                    + table + "' ORDER BY name"));
        }
        shape.append(sqlite3(database, "SELECT m.name || ':' || group_concat(c.name) FROM sqlite_master m,"
                + " pragma_index_info(m.name) c WHERE m.type = 'index' AND m.tbl_name NOT LIKE 'tern_%'"
                + " GROUP BY m.name ORDER BY m.name"));
        // NOCASE collations are part of the table SQL.
        shape.append(sqlite3(database, "SELECT tbl_name, instr(sql, 'COLLATE NOCASE') > 0 FROM sqlite_master"
                + " WHERE type = 'table' AND name NOT LIKE 'tern_%' ORDER BY tbl_name"));
        return shape.toString();
    }

    @Test
    void ternCreatesPowerDnsSchemaExactly(@TempDir Path dir) throws Exception {
        Peers.require("pdns_server", "pdns-server");
        assertThat(POWERDNS_SCHEMA).as("install pdns-backend-sqlite3 (dev/install-test-peers)").exists();
        Path theirs = dir.resolve("pdns.sqlite3");
        sqlite3(theirs, ".read " + POWERDNS_SCHEMA);
        Path ours = dir.resolve("tern.sqlite3");
        JdbcZoneStore.openSqlite(ours, 1000, 3600).close();
        assertThat(shape(ours)).isEqualTo(shape(theirs));
        assertThat(sqlite3(ours, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT IN ('domains',"
                + " 'records', 'supermasters', 'comments', 'domainmetadata', 'cryptokeys', 'tsigkeys')")
                .lines().toList()).allMatch(name -> name.startsWith("tern_"));
        assertThat(sqlite3(ours, "PRAGMA journal_mode").trim()).isEqualTo("wal");
    }

    @Test
    void openingAPowerDnsDatabaseChangesNoneOfItsTables(@TempDir Path dir) throws Exception {
        Path database = dir.resolve("pdns.sqlite3");
        sqlite3(database, ".read " + POWERDNS_SCHEMA);
        sqlite3(database, "INSERT INTO domains (name, type) VALUES ('example.org', 'NATIVE');"
                + " INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth) VALUES"
                + " (1, 'example.org', 'SOA', 'ns1.example.org hostmaster.example.org 1 2 3 4 5', 300, 0, 0, 1);");
        String before = sqlite3(database, ".schema domains") + sqlite3(database, ".schema records")
                + sqlite3(database, ".dump domains") + sqlite3(database, ".dump records");
        try (JdbcZoneStore store = JdbcZoneStore.openSqlite(database, 1000, 3600)) {
            assertThat(store.domains()).hasSize(1);
            assertThat(store.load(store.domains().get(0)).serial()).isEqualTo(1);
        }
        String after = sqlite3(database, ".schema domains") + sqlite3(database, ".schema records")
                + sqlite3(database, ".dump domains") + sqlite3(database, ".dump records");
        assertThat(after).isEqualTo(before);
        assertThat(Files.size(database)).isPositive();
    }
}
