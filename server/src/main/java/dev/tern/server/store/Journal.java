package dev.tern.server.store;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import javax.sql.DataSource;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;

/**
 * Applies incremental changes to a zone as a diff, in one transaction, and keeps each applied change in the
 * {@code tern_journal} table (serial from, serial to, removed and added records as master-file lines) for
 * IXFR-out. Rows are written as PowerDNS writes them; the empty non-terminal rows are recomputed.
 */
public final class Journal {
    private static final String DDL = "CREATE TABLE IF NOT EXISTS tern_journal (id INTEGER PRIMARY KEY,"
            + " domain_id INTEGER NOT NULL, serial_from INTEGER NOT NULL, serial_to INTEGER NOT NULL,"
            + " removed TEXT NOT NULL, added TEXT NOT NULL, applied_at INTEGER NOT NULL)";

    /** One change to apply: the SOA before and after, and the other records removed and added. */
    public record Change(SOARecord from, SOARecord to, List<Record> removed, List<Record> added) {
        public Change {
            requireNonNull(from, "from");
            requireNonNull(to, "to");
            removed = List.copyOf(removed);
            added = List.copyOf(added);
        }
    }

    private final DataSource dataSource;

    public Journal(DataSource dataSource) {
        this.dataSource = requireNonNull(dataSource, "dataSource");
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(DDL);
        } catch (SQLException e) {
            throw new StoreException("creating the journal table", e);
        }
    }

    /**
     * Applies the changes in order, then rewrites the empty non-terminal rows for {@code resultingRecords} (the
     * zone as it is after the changes), all in one transaction.
     */
    public void apply(long domainId, Name origin, List<Change> changes, Collection<Record> resultingRecords,
                      Instant now) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                for (Change change : changes) {
                    delete(connection, domainId, change.from());
                    for (Record record : change.removed()) {
                        delete(connection, domainId, record);
                    }
                    insert(connection, domainId, change.to());
                    for (Record record : change.added()) {
                        insert(connection, domainId, record);
                    }
                    journal(connection, domainId, change, now);
                }
                try (PreparedStatement statement = connection.prepareStatement(
                        "DELETE FROM records WHERE domain_id = ? AND type IS NULL")) {
                    statement.setLong(1, domainId);
                    statement.executeUpdate();
                }
                try (PreparedStatement statement = connection.prepareStatement("INSERT INTO records (domain_id,"
                        + " name, type, content, ttl, prio, disabled, ordername, auth)"
                        + " VALUES (?, ?, NULL, NULL, NULL, NULL, 0, NULL, 1)")) {
                    for (String ent : EmptyNonTerminals.of(origin, resultingRecords)) {
                        statement.setLong(1, domainId);
                        statement.setString(2, ent);
                        statement.executeUpdate();
                    }
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("applying IXFR changes to zone " + origin, e);
        }
    }

    private static void delete(Connection connection, long domainId, Record record) throws SQLException {
        RecordRow row = PdnsRecordFormat.toRow(record);
        try (PreparedStatement statement = connection.prepareStatement("DELETE FROM records WHERE id = (SELECT id"
                + " FROM records WHERE domain_id = ? AND name = ? AND type = ? AND content = ? AND prio = ?"
                + " LIMIT 1)")) {
            statement.setLong(1, domainId);
            statement.setString(2, row.name());
            statement.setString(3, row.type());
            statement.setString(4, row.content());
            statement.setInt(5, row.prio());
            if (statement.executeUpdate() != 1) {
                throw new SQLException("no row to remove for " + record);
            }
        }
    }

    private static void insert(Connection connection, long domainId, Record record) throws SQLException {
        RecordRow row = PdnsRecordFormat.toRow(record);
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO records (domain_id, name, type,"
                + " content, ttl, prio, disabled, ordername, auth) VALUES (?, ?, ?, ?, ?, ?, 0, NULL, 1)")) {
            statement.setLong(1, domainId);
            statement.setString(2, row.name());
            statement.setString(3, row.type());
            statement.setString(4, row.content());
            statement.setLong(5, row.ttl());
            statement.setInt(6, row.prio());
            statement.executeUpdate();
        }
    }

    private static void journal(Connection connection, long domainId, Change change, Instant now)
            throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO tern_journal (domain_id,"
                + " serial_from, serial_to, removed, added, applied_at) VALUES (?, ?, ?, ?, ?, ?)")) {
            statement.setLong(1, domainId);
            statement.setLong(2, change.from().getSerial());
            statement.setLong(3, change.to().getSerial());
            statement.setString(4, lines(change.from(), change.removed()));
            statement.setString(5, lines(change.to(), change.added()));
            statement.setLong(6, now.getEpochSecond());
            statement.executeUpdate();
        }
    }

    private static String lines(SOARecord soa, List<Record> records) {
        StringBuilder text = new StringBuilder(soa.toString()).append('\n');
        for (Record record : records) {
            text.append(record).append('\n');
        }
        return text.toString();
    }

    /** How many changes are journaled for a zone. */
    public int count(long domainId) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT count(*) FROM tern_journal WHERE domain_id = ?")) {
            statement.setLong(1, domainId);
            try (java.sql.ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getInt(1);
            }
        } catch (SQLException e) {
            throw new StoreException("counting the journal of zone id " + domainId, e);
        }
    }
}
