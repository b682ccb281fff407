package dev.tern.server.store;

import static java.util.Objects.requireNonNull;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import dev.tern.server.zone.ZoneCheckException;
import dev.tern.server.zone.ZoneKind;
import dev.tern.server.zone.ZoneSnapshot;
import dev.tern.server.zone.ZoneSnapshotBuilder;

/**
 * The {@link ZoneStore} over JDBC and PowerDNS's gsqlite3 schema: SQLite through HikariCP, WAL journal, a bounded
 * busy timeout (PowerDNS waits for ever; we fail with a message instead).
 */
public final class JdbcZoneStore implements ZoneStore {
    private static final Logger logger = LoggerFactory.getLogger(JdbcZoneStore.class);

    private static final String DOMAINS = "SELECT d.id, d.name, d.type, d.master, r.content FROM domains d"
            + " LEFT JOIN records r ON r.domain_id = d.id AND r.name = d.name AND r.type = 'SOA' AND r.disabled = 0"
            + " ORDER BY d.id";

    private final HikariDataSource pool;
    private final long defaultTtl;

    private JdbcZoneStore(HikariDataSource pool, long defaultTtl) {
        this.pool = requireNonNull(pool, "pool");
        this.defaultTtl = defaultTtl;
    }

    /**
     * Opens (and creates when missing) a SQLite database in PowerDNS's gsqlite3 schema.
     *
     * @param busyTimeoutMillis how long a statement waits for another writer before it fails
     */
    public static JdbcZoneStore openSqlite(Path file, int busyTimeoutMillis, long defaultTtl) {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) {
            try {
                Files.createDirectories(parent);
            } catch (IOException e) {
                throw new StoreException("cannot create the directory of gsqlite3-database " + file, e);
            }
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("sqlite");
        config.setJdbcUrl("jdbc:sqlite:" + file);
        config.addDataSourceProperty("journal_mode", "WAL");
        config.addDataSourceProperty("busy_timeout", String.valueOf(busyTimeoutMillis));
        config.addDataSourceProperty("foreign_keys", "false");
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(1);
        config.setConnectionTimeout(Math.max(250, busyTimeoutMillis + 1000L));
        HikariDataSource pool;
        try {
            pool = new HikariDataSource(config);
        } catch (RuntimeException e) {
            throw new StoreException("cannot open gsqlite3-database " + file, e);
        }
        try (Connection connection = pool.getConnection()) {
            if (Schema.ensure(connection)) {
                logger.info("database {}: created with PowerDNS's gsqlite3 schema", file);
            }
        } catch (SQLException e) {
            pool.close();
            throw new StoreException("cannot prepare gsqlite3-database " + file, e);
        }
        return new JdbcZoneStore(pool, defaultTtl);
    }

    @Override
    public List<DomainRow> domains() {
        List<DomainRow> rows = new ArrayList<>();
        try (Connection connection = pool.getConnection();
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery(DOMAINS)) {
            while (result.next()) {
                long id = result.getLong(1);
                String name = result.getString(2);
                Name zone;
                try {
                    zone = PdnsRecordFormat.parseOwner(name);
                } catch (TextParseException e) {
                    logger.error("domains row {}: name '{}' is not a domain name; zone skipped", id, name);
                    continue;
                }
                rows.add(new DomainRow(id, zone, ZoneKind.fromColumn(result.getString(3)), result.getString(4),
                        result.getString(5)));
            }
        } catch (SQLException e) {
            throw new StoreException("reading the zone list", e);
        }
        return rows;
    }

    @Override
    public ZoneSnapshot load(DomainRow domain) {
        try (Connection connection = pool.getConnection()) {
            return load(connection, domain);
        } catch (SQLException e) {
            throw new StoreException("reading the records of zone " + domain.name(), e);
        }
    }

    @Override
    public ZoneSnapshot load(ZoneTransaction transaction, DomainRow domain) {
        return load(transaction.connection(), domain);
    }

    @Override
    public ZoneTransaction begin() {
        return ZoneTransaction.begin(pool);
    }

    private ZoneSnapshot load(Connection connection, DomainRow domain) {
        try {
            ZoneSnapshotBuilder builder = new ZoneReader(defaultTtl).read(connection, domain);
            OnlineSigning.check(connection, domain, builder);
            return builder.build();
        } catch (SQLException e) {
            throw new StoreException("reading the records of zone " + domain.name(), e);
        }
    }

    @Override
    public DomainRow createZone(Name name, ZoneKind kind, String masters) {
        String sql = "INSERT INTO domains (name, master, type) VALUES (?, ?, ?)";
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            statement.setString(1, PdnsRecordFormat.ownerColumn(name));
            statement.setString(2, masters);
            statement.setString(3, kind.column());
            statement.executeUpdate();
            try (ResultSet keys = statement.getGeneratedKeys()) {
                keys.next();
                return new DomainRow(keys.getLong(1), name, kind, masters, null);
            }
        } catch (SQLException e) {
            throw new StoreException("creating zone " + name, e);
        }
    }

    /** Replaces a zone's {@code master} column (its primaries, PowerDNS's format). */
    public void setMasters(DomainRow domain, String masters) {
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = connection.prepareStatement("UPDATE domains SET master = ? WHERE id = ?")) {
            statement.setString(1, masters);
            statement.setLong(2, domain.id());
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("setting the primaries of zone " + domain.name(), e);
        }
    }

    @Override
    public void deleteZone(DomainRow domain) {
        try (Connection connection = pool.getConnection()) {
            connection.setAutoCommit(false);
            try {
                for (String table : List.of("records", "domainmetadata", "comments", "cryptokeys", "tern_journal",
                        "tern_zone_state")) {
                    if (tableExists(connection, table)) {
                        try (PreparedStatement statement = connection.prepareStatement("DELETE FROM " + table
                                + " WHERE domain_id = ?")) {
                            statement.setLong(1, domain.id());
                            statement.executeUpdate();
                        }
                    }
                }
                try (PreparedStatement statement = connection.prepareStatement("DELETE FROM domains WHERE id = ?")) {
                    statement.setLong(1, domain.id());
                    statement.executeUpdate();
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("deleting zone " + domain.name(), e);
        }
    }

    static boolean tableExists(Connection connection, String table) throws SQLException {
        try (ResultSet tables = connection.getMetaData().getTables(null, null, table, null)) {
            return tables.next();
        }
    }

    @Override
    public Long notifiedSerial(long domainId) {
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT notified_serial FROM domains WHERE id = ?")) {
            statement.setLong(1, domainId);
            try (ResultSet result = statement.executeQuery()) {
                if (!result.next()) {
                    return null;
                }
                long serial = result.getLong(1);
                return result.wasNull() ? null : serial;
            }
        } catch (SQLException e) {
            throw new StoreException("reading notified_serial of zone id " + domainId, e);
        }
    }

    @Override
    public void setNotifiedSerial(long domainId, long serial) {
        try (Connection connection = pool.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "UPDATE domains SET notified_serial = ? WHERE id = ?")) {
            statement.setLong(1, serial);
            statement.setLong(2, domainId);
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("writing notified_serial of zone id " + domainId, e);
        }
    }

    @Override
    public void replaceRecords(DomainRow domain, Collection<Record> records) {
        try (ZoneTransaction transaction = begin()) {
            replaceRecords(transaction, domain, records);
            transaction.commit();
        }
    }

    @Override
    public void replaceRecords(ZoneTransaction transaction, DomainRow domain, Collection<Record> records) {
        clearRecords(transaction, domain);
        appendRecords(transaction, domain, records);
        rectifyRecords(transaction, domain);
    }

    @Override
    public void clearRecords(ZoneTransaction transaction, DomainRow domain) {
        try (Statement delete = transaction.connection().createStatement()) {
            // The write lock is taken now, so a busy database fails here, before anything is transferred.
            delete.execute("DELETE FROM records WHERE domain_id = " + domain.id());
        } catch (SQLException e) {
            throw new StoreException("deleting the records of zone " + domain.name(), e);
        }
    }

    @Override
    public void appendRecords(ZoneTransaction transaction, DomainRow domain, Collection<Record> records) {
        try {
            RecordsTable.append(transaction.connection(), domain.id(), records);
        } catch (SQLException e) {
            throw new StoreException("writing the records of zone " + domain.name(), e);
        }
    }

    @Override
    public void checkRecords(ZoneTransaction transaction, DomainRow domain) {
        ZoneSnapshotBuilder check = new ZoneSnapshotBuilder(domain.name());
        try (PreparedStatement statement = transaction.connection().prepareStatement("SELECT name, type, content,"
                + " ttl, prio FROM records WHERE domain_id = ? ORDER BY id")) {
            statement.setLong(1, domain.id());
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    try {
                        check.add(PdnsRecordFormat.toRecord(PdnsRecordFormat.parseOwner(result.getString(1)),
                                result.getString(2), result.getString(3), result.getLong(4), result.getInt(5)));
                    } catch (IOException | IllegalArgumentException e) {
                        throw new ZoneCheckException(result.getString(1) + " " + result.getString(2) + " '"
                                + result.getString(3) + "' does not read back: " + PdnsRecordFormat.problem(e));
                    }
                }
            }
        } catch (SQLException e) {
            throw new StoreException("reading back the records of zone " + domain.name(), e);
        }
        check.build();
    }

    @Override
    public void rectifyRecords(ZoneTransaction transaction, DomainRow domain) {
        try {
            RectifyInPlace.rectify(transaction.connection(), domain);
        } catch (SQLException e) {
            throw new StoreException("rectifying the records of zone " + domain.name(), e);
        }
    }

    /** The connection pool, for the stores of Tern's own state over the same database. */
    public javax.sql.DataSource dataSource() {
        return pool;
    }

    @Override
    public void close() {
        pool.close();
    }
}
