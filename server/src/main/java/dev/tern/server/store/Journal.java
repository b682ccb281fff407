package dev.tern.server.store;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.xbill.DNS.Name;
import dev.tern.server.rdata.RecordTypes;
import dev.tern.server.zone.ZoneChange;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;

/**
 * Applies incremental changes to a zone as a diff and keeps each change in the {@code tern_journal} table (serial
 * from, serial to, removed and added records as master-file lines) for IXFR-out. Rows are written as PowerDNS writes
 * them; the empty non-terminal rows are recomputed. Every write runs inside a {@link ZoneTransaction}, so a change,
 * its journal entry and the zone's state commit together.
 */
public final class Journal implements ZoneJournal {
    static {
        // The journal is parsed as master-file text.
        RecordTypes.register();
    }

    private static final String DDL = "CREATE TABLE IF NOT EXISTS tern_journal (id INTEGER PRIMARY KEY,"
            + " domain_id INTEGER NOT NULL, serial_from INTEGER NOT NULL, serial_to INTEGER NOT NULL,"
            + " removed TEXT NOT NULL, added TEXT NOT NULL, applied_at INTEGER NOT NULL)";

    private final DataSource dataSource;

    public Journal(DataSource dataSource) {
        this.dataSource = requireNonNull(dataSource, "dataSource");
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            statement.execute(DDL);
        } catch (SQLException e) {
            throw new StoreException("creating the journal table", e);
        }
    }

    /** Starts a transaction on the journal's database, for {@link #record} and {@link #prune} to share. */
    @Override
    public ZoneTransaction begin() {
        return ZoneTransaction.begin(dataSource);
    }

    /**
     * Writes the changes inside {@code transaction}, which the caller commits with the zone's state: the rows of the
     * zone as it was ({@code before}) become the rows of the zone as it is after the changes ({@code after}), written
     * as {@link Rectify} writes a whole zone, so ordername, auth, empty non-terminals and the PRESIGNED/NSEC3PARAM
     * metadata follow the change (PowerDNS's own IXFR-in leaves them stale, {@code ../shared/reference/powerdns.md}
     * 1.7); only rows that differ are deleted or inserted. Each change is journaled with all its records, signatures
     * and NSEC/NSEC3 records included, although these have no rows of their own.
     */
    @Override
    public void apply(ZoneTransaction transaction, long domainId, Name origin, List<ZoneChange> changes,
                      Collection<Record> before, Collection<Record> after, Instant now) {
        Rectify.Rows old = Rectify.of(origin, before);
        Rectify.Rows updated = Rectify.of(origin, after);
        Map<Rectify.Row, Integer> difference = new HashMap<>();
        for (Rectify.Row row : updated.rows()) {
            difference.merge(row, 1, Integer::sum);
        }
        for (Rectify.Row row : old.rows()) {
            difference.merge(row, -1, Integer::sum);
        }
        Connection connection = transaction.connection();
        try {
            List<Rectify.Row> added = new ArrayList<>();
            for (Map.Entry<Rectify.Row, Integer> entry : difference.entrySet()) {
                for (int i = entry.getValue(); i < 0; i++) {
                    RecordsTable.delete(connection, domainId, entry.getKey());
                }
                for (int i = 0; i < entry.getValue(); i++) {
                    added.add(entry.getKey());
                }
            }
            RecordsTable.insert(connection, domainId, added);
            if (!(updated.presigned() instanceof Presigned.Unsigned)) {
                // A database written before presigned zones were stored as PowerDNS stores them holds these
                // rows; PowerDNS keeps none, and ternd would serve them instead of the chain made from the rows.
                try (PreparedStatement statement = connection.prepareStatement("DELETE FROM records WHERE"
                        + " domain_id = ? AND type IN ('NSEC', 'NSEC3', 'NSEC3PARAM')")) {
                    statement.setLong(1, domainId);
                    statement.executeUpdate();
                }
            }
            Presigned.write(connection, domainId, updated.presigned());
            for (ZoneChange change : changes) {
                journal(connection, domainId, change, now);
            }
        } catch (SQLException e) {
            throw new StoreException("applying IXFR changes to zone " + origin, e);
        }
    }

    private static void journal(Connection connection, long domainId, ZoneChange change, Instant now)
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

    /**
     * Journals a change whose records are already in SQL (an edit by another tool, or an AXFR-in), unless a change
     * to the same serial is journaled already (an IXFR-in wrote it with its records). Inside {@code transaction}, so
     * that the entry commits with the records it describes when this process wrote them.
     */
    @Override
    public void record(ZoneTransaction transaction, long domainId, ZoneChange change, Instant now) {
        Connection connection = transaction.connection();
        try {
            try (PreparedStatement statement = connection.prepareStatement("SELECT count(*) FROM tern_journal"
                    + " WHERE domain_id = ? AND serial_from = ? AND serial_to = ?")) {
                statement.setLong(1, domainId);
                statement.setLong(2, change.from().getSerial());
                statement.setLong(3, change.to().getSerial());
                try (java.sql.ResultSet result = statement.executeQuery()) {
                    result.next();
                    if (result.getInt(1) > 0) {
                        return;
                    }
                }
            }
            journal(connection, domainId, change, now);
        } catch (SQLException e) {
            throw new StoreException("journaling the change of zone id " + domainId + " to serial "
                    + change.to().getSerial(), e);
        }
    }

    /**
     * Keeps the newest changes of a zone, at most {@code depth} of them and at most {@code maxBytes} of record text
     * (the newest one is always kept), and deletes the older ones.
     */
    @Override
    public void prune(ZoneTransaction transaction, long domainId, int depth, long maxBytes) {
        Connection connection = transaction.connection();
        try {
            List<Long> doomed = new java.util.ArrayList<>();
            try (PreparedStatement statement = connection.prepareStatement("SELECT id, length(removed) +"
                    + " length(added) FROM tern_journal WHERE domain_id = ? ORDER BY id DESC")) {
                statement.setLong(1, domainId);
                try (java.sql.ResultSet rows = statement.executeQuery()) {
                    int kept = 0;
                    long bytes = 0;
                    while (rows.next()) {
                        bytes += rows.getLong(2);
                        if (kept > 0 && (kept >= depth || bytes > maxBytes)) {
                            doomed.add(rows.getLong(1));
                        } else {
                            kept++;
                        }
                    }
                }
            }
            if (doomed.isEmpty()) {
                return;
            }
            try (PreparedStatement delete = connection.prepareStatement("DELETE FROM tern_journal WHERE id = ?")) {
                for (long id : doomed) {
                    delete.setLong(1, id);
                    delete.addBatch();
                }
                delete.executeBatch();
            }
        } catch (SQLException e) {
            throw new StoreException("pruning the journal of zone id " + domainId, e);
        }
    }

    /** The journaled changes of a zone, oldest first. */
    @Override
    public List<ZoneChange> read(long domainId, Name origin) {
        List<ZoneChange> changes = new java.util.ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT removed, added FROM tern_journal"
                     + " WHERE domain_id = ? ORDER BY id")) {
            statement.setLong(1, domainId);
            try (java.sql.ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    List<Record> removed = parse(result.getString(1), origin);
                    List<Record> added = parse(result.getString(2), origin);
                    if (removed.isEmpty() || added.isEmpty() || !(removed.get(0) instanceof SOARecord)
                            || !(added.get(0) instanceof SOARecord)) {
                        throw new StoreException("journal of zone " + origin + ": a row without its SOA");
                    }
                    changes.add(new ZoneChange((SOARecord) removed.get(0), (SOARecord) added.get(0),
                            removed.subList(1, removed.size()), added.subList(1, added.size())));
                }
            }
        } catch (SQLException | java.io.IOException e) {
            throw new StoreException("reading the journal of zone " + origin, e);
        }
        return changes;
    }

    private static List<Record> parse(String text, Name origin) throws java.io.IOException {
        List<Record> records = new java.util.ArrayList<>();
        try (org.xbill.DNS.Master master = new org.xbill.DNS.Master(
                new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)), origin)) {
            for (Record record = master.nextRecord(); record != null; record = master.nextRecord()) {
                records.add(record);
            }
        }
        return records;
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
