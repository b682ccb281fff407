package dev.tern.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Collection;

/** Writes {@link Rectify.Row}s into PowerDNS's {@code records} table; the caller holds the transaction. */
final class RecordsTable {
    private static final String INSERT = "INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled,"
            + " ordername, auth) VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)";
    // IS compares NULLs as equal: empty non-terminal rows have no type, content, ttl or prio.
    private static final String DELETE_ONE = "DELETE FROM records WHERE id = (SELECT id FROM records"
            + " WHERE domain_id = ? AND name = ? AND type IS ? AND content IS ? AND prio IS ? LIMIT 1)";

    private RecordsTable() {
    }

    static void insert(Connection connection, long domainId, Collection<Rectify.Row> rows) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (Rectify.Row row : rows) {
                insert.setLong(1, domainId);
                insert.setString(2, row.name());
                insert.setString(3, row.type());
                insert.setString(4, row.content());
                setLong(insert, 5, row.ttl());
                setLong(insert, 6, row.prio() == null ? null : row.prio().longValue());
                insert.setString(7, row.ordername());
                insert.setInt(8, row.auth() ? 1 : 0);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /**
     * Appends records as they arrived, before {@link RectifyInPlace}: no ordername, auth 1, and rows for NSEC, NSEC3
     * and NSEC3PARAM too, which rectifying reads for the chain's parameters and then deletes.
     */
    static void append(Connection connection, long domainId, Collection<org.xbill.DNS.Record> records)
            throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement(INSERT)) {
            for (org.xbill.DNS.Record record : records) {
                RecordRow row = PdnsRecordFormat.toRow(record);
                insert.setLong(1, domainId);
                insert.setString(2, row.name());
                insert.setString(3, row.type());
                insert.setString(4, row.content());
                insert.setLong(5, row.ttl());
                insert.setLong(6, row.prio());
                insert.setString(7, null);
                insert.setInt(8, 1);
                insert.addBatch();
            }
            insert.executeBatch();
        }
    }

    /** Deletes one row with this name, type, content and prio; fails when there is none. */
    static void delete(Connection connection, long domainId, Rectify.Row row) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(DELETE_ONE)) {
            delete.setLong(1, domainId);
            delete.setString(2, row.name());
            delete.setString(3, row.type());
            delete.setString(4, row.content());
            setLong(delete, 5, row.prio() == null ? null : row.prio().longValue());
            if (delete.executeUpdate() != 1) {
                throw new SQLException("no row to remove for " + row.name() + " " + row.type() + " '"
                        + row.content() + "'");
            }
        }
    }

    private static void setLong(PreparedStatement statement, int index, Long value) throws SQLException {
        if (value == null) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setLong(index, value);
        }
    }
}
