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
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import dev.tern.server.zone.Node;
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
    private static final String RECORDS = "SELECT id, name, type, content, ttl, prio, ordername, auth FROM records"
            + " WHERE domain_id = ? AND disabled = 0";

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
        ZoneSnapshotBuilder builder = new ZoneSnapshotBuilder(domain.name());
        PresignedDenial denial;
        SOARecord soa = null;
        try {
            denial = new PresignedDenial(domain.name(), Presigned.read(connection, domain.id()));
            try (PreparedStatement statement = connection.prepareStatement(RECORDS)) {
                statement.setLong(1, domain.id());
                try (ResultSet result = statement.executeQuery()) {
                    while (result.next()) {
                        Record record = addRow(builder, denial, result);
                        if (record instanceof SOARecord apexSoa && apexSoa.getName().equals(domain.name())) {
                            soa = apexSoa;
                        }
                    }
                }
            }
            checkSigning(connection, domain, builder);
        } catch (SQLException e) {
            throw new StoreException("reading the records of zone " + domain.name(), e);
        }
        if (soa != null) {
            for (Record record : denial.records(soa)) {
                builder.add(record, "the denial records PowerDNS makes for a presigned zone");
            }
        }
        return builder.build();
    }

    /**
     * Adds one row; returns its record, or null when it has none (an empty non-terminal, a broken row). A row that
     * cannot be read does not stop the zone: it is recorded as broken, so its name answers SERVFAIL for its type
     * (every type when the type is unknown too) and every other name is served. Only the apex SOA is needed whole:
     * without it the zone cannot be served at all.
     */
    private Record addRow(ZoneSnapshotBuilder builder, PresignedDenial denial, ResultSet result)
            throws SQLException {
        Name zone = builder.origin();
        long id = result.getLong(1);
        String name = result.getString(2);
        String type = result.getString(3);
        String content = result.getString(4);
        long ttl = result.getObject(5) == null ? defaultTtl : result.getLong(5);
        int prio = result.getInt(6);
        String ordername = result.getString(7);
        boolean auth = result.getObject(8) == null || result.getInt(8) != 0;
        String row = "records row " + id + " of zone " + zone + " (" + name + " " + type + " '" + content + "')";
        Name owner;
        try {
            if (name == null) {
                throw new TextParseException("the name column is empty");
            }
            owner = PdnsRecordFormat.parseOwner(name);
        } catch (TextParseException e) {
            builder.addBrokenRow(broken(row, "the owner name does not parse ("
                    + PdnsRecordFormat.problem(e) + ")", "it is not served"));
            return null;
        }
        if (!owner.subdomain(zone)) {
            builder.addBrokenRow(broken(row, "the owner is outside the zone", "it is not served"));
            return null;
        }
        if (type == null || type.isEmpty()) {
            builder.addName(owner);
            denial.row(owner, null, ordername, auth);
            return null;
        }
        int code = Type.value(type, true);
        if (code < 0) {
            builder.addBroken(owner, Node.ANY_TYPE, broken(row, "'" + type + "' is not a record type Tern"
                    + " knows", owner + " answers SERVFAIL for every type"));
            return null;
        }
        Record record;
        try {
            record = PdnsRecordFormat.toRecord(owner, type, content, ttl, prio);
        } catch (IOException | IllegalArgumentException e) {
            if (code == Type.SOA && owner.equals(zone)) {
                throw new ZoneCheckException(row + ": the apex SOA does not parse (" + PdnsRecordFormat.problem(e)
                        + "); a zone is not served without its SOA");
            }
            builder.addBroken(owner, code, broken(row, "the content does not parse ("
                    + PdnsRecordFormat.problem(e) + ")", owner + " answers SERVFAIL for " + type));
            return null;
        }
        if (code == Type.SOA && !owner.equals(zone)) {
            builder.addBroken(owner, code, broken(row, "an SOA belongs only at the apex " + zone,
                    owner + " answers SERVFAIL for SOA"));
            return null;
        }
        builder.add(record, row);
        denial.row(owner, record, ordername, auth);
        return record;
    }

    /** One broken row in words: the zone, the row (id, owner, type, content), what is wrong, and what follows. */
    private static String broken(String row, String problem, String consequence) {
        return row + " cannot be read: " + problem + "; " + consequence;
    }

    /**
     * PowerDNS signs a zone online when it has active keys in {@code cryptokeys} and no {@code PRESIGNED=1}
     * metadata. Tern does not sign: such a zone is served as stored, unsigned, and the snapshot says so.
     */
    private static void checkSigning(Connection connection, DomainRow domain, ZoneSnapshotBuilder builder)
            throws SQLException {
        if (!tableExists(connection, "cryptokeys") || !tableExists(connection, "domainmetadata")) {
            return;
        }
        int activeKeys;
        boolean presigned = false;
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT count(*) FROM cryptokeys WHERE domain_id = ? AND active = 1")) {
            statement.setLong(1, domain.id());
            try (ResultSet result = statement.executeQuery()) {
                activeKeys = result.next() ? result.getInt(1) : 0;
            }
        }
        if (activeKeys == 0) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement(
                "SELECT content FROM domainmetadata WHERE domain_id = ? AND kind = 'PRESIGNED'")) {
            statement.setLong(1, domain.id());
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    presigned |= "1".equals(result.getString(1) == null ? null : result.getString(1).trim());
                }
            }
        }
        if (!presigned) {
            builder.signingProblem("zone " + domain.name() + " has " + activeKeys + " active key"
                    + (activeKeys == 1 ? "" : "s") + " in cryptokeys and no PRESIGNED=1 metadata, so PowerDNS"
                    + " would sign it online; Tern does not sign, and serves the stored records as they are, without"
                    + " DNSKEY or fresh RRSIGs (if the parent zone holds a DS for it, validating resolvers will"
                    + " answer SERVFAIL for it). Sign it elsewhere and load the signed zone with PRESIGNED=1"
                    + " (pdnsutil set-presigned), or deactivate the keys after removing the DS"
                    + " (pdnsutil deactivate-zone-key), or keep PowerDNS as the signing primary and make Tern its"
                    + " secondary");
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

    private static boolean tableExists(Connection connection, String table) throws SQLException {
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
