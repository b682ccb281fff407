package dev.tern.server.store;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * One SQL transaction over the zone database, shared by the stores that write a zone's data, its journal and its
 * state ({@link ZoneStore}, {@link Journal}, {@link SecondaryStore}), so that a change is stored whole or not at all:
 * a process killed at any moment leaves the old zone with its old journal and timers, or the new zone with its
 * journal entry and timers. Nothing is visible to other connections until {@link #commit()}; {@link #close()} without
 * a commit rolls everything back. Not thread-safe: one worker opens, uses and closes it.
 */
public final class ZoneTransaction implements AutoCloseable {
    private final Connection connection;
    private boolean committed;

    private ZoneTransaction(Connection connection) {
        this.connection = requireNonNull(connection, "connection");
    }

    /** Takes a connection from the pool and starts a transaction on it. */
    static ZoneTransaction begin(DataSource dataSource) {
        Connection connection;
        try {
            connection = dataSource.getConnection();
        } catch (SQLException e) {
            throw new StoreException("opening a transaction on the database", e);
        }
        try {
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            closeQuietly(connection);
            throw new StoreException("opening a transaction on the database", e);
        }
        return new ZoneTransaction(connection);
    }

    /** The connection every statement of this transaction runs on; for the stores of this package only. */
    Connection connection() {
        if (committed) {
            throw new IllegalStateException("the transaction is committed already");
        }
        return connection;
    }

    /** Makes everything written in this transaction durable and visible, at once. */
    public void commit() {
        try {
            connection.commit();
            committed = true;
        } catch (SQLException e) {
            throw new StoreException("committing a transaction", e);
        }
    }

    /** Rolls back what was not committed, and gives the connection back to the pool. */
    @Override
    public void close() {
        try {
            if (!committed) {
                connection.rollback();
            }
            connection.setAutoCommit(true);
        } catch (SQLException e) {
            // The pool discards a connection it cannot reset; the failure that led here is the one to report.
        } finally {
            closeQuietly(connection);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // Nothing was written through it that is not rolled back already.
        }
    }
}
