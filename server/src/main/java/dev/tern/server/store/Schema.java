package dev.tern.server.store;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * The database schema: PowerDNS's gsqlite3 tables and indexes, column for column, so that PowerDNS and Tern can
 * serve the same file, plus Tern's own tables, all named {@code tern_*}. PowerDNS's tables are created only when
 * missing and never altered.
 */
final class Schema {
    /** Tern's own schema version, kept in {@code tern_meta}. */
    static final int VERSION = 1;

    private static final List<String> POWERDNS = List.of(
            "CREATE TABLE domains (id INTEGER PRIMARY KEY, name VARCHAR(255) NOT NULL COLLATE NOCASE,"
                    + " master VARCHAR(128) DEFAULT NULL, last_check INTEGER DEFAULT NULL, type VARCHAR(8) NOT NULL,"
                    + " notified_serial INTEGER DEFAULT NULL, account VARCHAR(40) DEFAULT NULL,"
                    + " options VARCHAR(65535) DEFAULT NULL, catalog VARCHAR(255) DEFAULT NULL)",
            "CREATE UNIQUE INDEX name_index ON domains(name)",
            "CREATE INDEX catalog_idx ON domains(catalog)",
            "CREATE TABLE records (id INTEGER PRIMARY KEY, domain_id INTEGER DEFAULT NULL,"
                    + " name VARCHAR(255) DEFAULT NULL, type VARCHAR(10) DEFAULT NULL,"
                    + " content VARCHAR(65535) DEFAULT NULL, ttl INTEGER DEFAULT NULL, prio INTEGER DEFAULT NULL,"
                    + " disabled BOOLEAN DEFAULT 0, ordername VARCHAR(255), auth BOOL DEFAULT 1,"
                    + " FOREIGN KEY(domain_id) REFERENCES domains(id) ON DELETE CASCADE ON UPDATE CASCADE)",
            "CREATE INDEX records_lookup_idx ON records(name, type)",
            "CREATE INDEX records_lookup_id_idx ON records(domain_id, name, type)",
            "CREATE INDEX records_order_idx ON records(domain_id, ordername)",
            "CREATE TABLE supermasters (ip VARCHAR(64) NOT NULL, nameserver VARCHAR(255) NOT NULL COLLATE NOCASE,"
                    + " account VARCHAR(40) NOT NULL)",
            "CREATE UNIQUE INDEX ip_nameserver_pk ON supermasters(ip, nameserver)",
            "CREATE TABLE comments (id INTEGER PRIMARY KEY, domain_id INTEGER NOT NULL, name VARCHAR(255) NOT NULL,"
                    + " type VARCHAR(10) NOT NULL, modified_at INT NOT NULL, account VARCHAR(40) DEFAULT NULL,"
                    + " comment VARCHAR(65535) NOT NULL,"
                    + " FOREIGN KEY(domain_id) REFERENCES domains(id) ON DELETE CASCADE ON UPDATE CASCADE)",
            "CREATE INDEX comments_idx ON comments(domain_id, name, type)",
            "CREATE INDEX comments_order_idx ON comments (domain_id, modified_at)",
            "CREATE TABLE domainmetadata (id INTEGER PRIMARY KEY, domain_id INT NOT NULL,"
                    + " kind VARCHAR(32) COLLATE NOCASE, content TEXT,"
                    + " FOREIGN KEY(domain_id) REFERENCES domains(id) ON DELETE CASCADE ON UPDATE CASCADE)",
            "CREATE INDEX domainmetaidindex ON domainmetadata(domain_id)",
            "CREATE TABLE cryptokeys (id INTEGER PRIMARY KEY, domain_id INT NOT NULL, flags INT NOT NULL,"
                    + " active BOOL, published BOOL DEFAULT 1, content TEXT,"
                    + " FOREIGN KEY(domain_id) REFERENCES domains(id) ON DELETE CASCADE ON UPDATE CASCADE)",
            "CREATE INDEX domainidindex ON cryptokeys(domain_id)",
            "CREATE TABLE tsigkeys (id INTEGER PRIMARY KEY, name VARCHAR(255) COLLATE NOCASE,"
                    + " algorithm VARCHAR(50) COLLATE NOCASE, secret VARCHAR(255))",
            "CREATE UNIQUE INDEX namealgoindex ON tsigkeys(name, algorithm)");

    private static final List<String> TERN = List.of(
            "CREATE TABLE IF NOT EXISTS tern_meta (key VARCHAR(64) PRIMARY KEY, value TEXT NOT NULL)",
            "INSERT OR IGNORE INTO tern_meta (key, value) VALUES ('schema_version', '" + VERSION + "')");

    private Schema() {
    }

    /** Creates what is missing; returns true when PowerDNS's tables had to be created. */
    static boolean ensure(Connection connection) throws SQLException {
        boolean created = false;
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            if (!tableExists(connection, "domains")) {
                for (String ddl : POWERDNS) {
                    statement.execute(ddl);
                }
                created = true;
            } else if (!tableExists(connection, "records")) {
                throw new SQLException("the database has a 'domains' table but no 'records' table"
                        + " (expected: PowerDNS's gsqlite3 schema)");
            }
            for (String ddl : TERN) {
                statement.execute(ddl);
            }
            connection.commit();
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(autoCommit);
        }
        return created;
    }

    private static boolean tableExists(Connection connection, String table) throws SQLException {
        try (ResultSet tables = connection.getMetaData().getTables(null, null, table, new String[] {"TABLE"})) {
            return tables.next();
        }
    }
}
