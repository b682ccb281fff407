package dev.tern.server.store;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.HashMap;
import java.util.Collection;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * Tern's own secondary state in {@code tern_*} tables (timers per zone, the MSS learned per primary), and the
 * PowerDNS tables a secondary reads: {@code domainmetadata} and {@code tsigkeys}. Blocking; worker threads only.
 */
public final class SecondaryStore implements ZoneStateStore {
    private static final List<String> TABLES = List.of(
            "CREATE TABLE IF NOT EXISTS tern_zone_state (domain_id INTEGER PRIMARY KEY, last_success INTEGER,"
                    + " expire_at INTEGER, next_refresh INTEGER, failures INTEGER NOT NULL DEFAULT 0,"
                    + " last_primary TEXT, last_result TEXT)",
            "CREATE TABLE IF NOT EXISTS tern_primary_mss (primary_address TEXT PRIMARY KEY, mss INTEGER NOT NULL,"
                    + " learned_at INTEGER NOT NULL)");

    private final DataSource dataSource;

    public SecondaryStore(DataSource dataSource) {
        this.dataSource = requireNonNull(dataSource, "dataSource");
        try (Connection connection = dataSource.getConnection(); Statement statement = connection.createStatement()) {
            for (String ddl : TABLES) {
                statement.execute(ddl);
            }
        } catch (SQLException e) {
            throw new StoreException("creating Tern's secondary state tables", e);
        }
    }

    @Override
    public SecondaryState state(long domainId) {
        String sql = "SELECT last_success, expire_at, next_refresh, failures, last_primary, last_result"
                + " FROM tern_zone_state WHERE domain_id = ?";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, domainId);
            try (ResultSet result = statement.executeQuery()) {
                if (!result.next()) {
                    return SecondaryState.empty(domainId);
                }
                return new SecondaryState(domainId, instant(result, 1), instant(result, 2), instant(result, 3),
                        result.getInt(4), result.getString(5), result.getString(6));
            }
        } catch (SQLException e) {
            throw new StoreException("reading the state of zone id " + domainId, e);
        }
    }

    /** Saves the state, and on success sets {@code domains.last_check} as PowerDNS does. */
    @Override
    public void save(SecondaryState state, boolean fresh) {
        try (ZoneTransaction transaction = ZoneTransaction.begin(dataSource)) {
            save(transaction, state, fresh);
            transaction.commit();
        }
    }

    @Override
    public void save(ZoneTransaction transaction, SecondaryState state, boolean fresh) {
        String sql = "INSERT OR REPLACE INTO tern_zone_state (domain_id, last_success, expire_at, next_refresh,"
                + " failures, last_primary, last_result) VALUES (?, ?, ?, ?, ?, ?, ?)";
        Connection connection = transaction.connection();
        try {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setLong(1, state.domainId());
                setInstant(statement, 2, state.lastSuccess());
                setInstant(statement, 3, state.expireAt());
                setInstant(statement, 4, state.nextRefresh());
                statement.setInt(5, state.failures());
                statement.setString(6, state.lastPrimary());
                statement.setString(7, state.lastResult());
                statement.executeUpdate();
            }
            if (fresh && state.lastSuccess() != null) {
                try (PreparedStatement statement = connection.prepareStatement(
                        "UPDATE domains SET last_check = ? WHERE id = ?")) {
                    statement.setLong(1, state.lastSuccess().getEpochSecond());
                    statement.setLong(2, state.domainId());
                    statement.executeUpdate();
                }
            }
        } catch (SQLException e) {
            throw new StoreException("saving the state of zone id " + state.domainId(), e);
        }
    }

    /** The MSS learned for a primary ({@code ip:port}), or 0. */
    @Override
    public int mss(String primary) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT mss FROM tern_primary_mss WHERE primary_address = ?")) {
            statement.setString(1, primary);
            try (ResultSet result = statement.executeQuery()) {
                return result.next() ? result.getInt(1) : 0;
            }
        } catch (SQLException e) {
            throw new StoreException("reading the learned mss of " + primary, e);
        }
    }

    @Override
    public void rememberMss(String primary, int mss, Instant now) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "INSERT OR REPLACE INTO tern_primary_mss (primary_address, mss, learned_at) VALUES (?, ?, ?)")) {
            statement.setString(1, primary);
            statement.setInt(2, mss);
            statement.setLong(3, now.getEpochSecond());
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("saving the learned mss of " + primary, e);
        }
    }

    /** The values of one metadata kind of a zone (PowerDNS's domainmetadata, kind compared case-insensitively). */
    @Override
    public List<String> metadata(long domainId, String kind) {
        List<String> values = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT content FROM domainmetadata WHERE domain_id = ? AND kind = ? ORDER BY id")) {
            statement.setLong(1, domainId);
            statement.setString(2, kind);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    values.add(result.getString(1));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("reading metadata " + kind + " of zone id " + domainId, e);
        }
        return values;
    }

    /**
     * The metadata of these kinds for every zone: domain id -> kind (upper case) -> values, in row order. One query,
     * so that per-zone transfer and NOTIFY policies can be refreshed at every poll.
     */
    public Map<Long, Map<String, List<String>>> metadataOfKinds(Collection<String> kinds) {
        Map<Long, Map<String, List<String>>> result = new HashMap<>();
        String marks = String.join(", ", java.util.Collections.nCopies(kinds.size(), "?"));
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("SELECT domain_id, upper(kind), content"
                     + " FROM domainmetadata WHERE upper(kind) IN (" + marks + ") ORDER BY id")) {
            int index = 1;
            for (String kind : kinds) {
                statement.setString(index++, kind.toUpperCase(java.util.Locale.ROOT));
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    result.computeIfAbsent(rows.getLong(1), id -> new HashMap<>())
                            .computeIfAbsent(rows.getString(2), kind -> new ArrayList<>()).add(rows.getString(3));
                }
            }
        } catch (SQLException e) {
            throw new StoreException("reading zone metadata " + kinds, e);
        }
        return result;
    }

    /** Replaces the values of one metadata kind of a zone, in one transaction. */
    public void setMetadata(long domainId, String kind, List<String> values) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try (PreparedStatement delete = connection.prepareStatement(
                         "DELETE FROM domainmetadata WHERE domain_id = ? AND upper(kind) = upper(?)");
                 PreparedStatement insert = connection.prepareStatement(
                         "INSERT INTO domainmetadata (domain_id, kind, content) VALUES (?, ?, ?)")) {
                delete.setLong(1, domainId);
                delete.setString(2, kind);
                delete.executeUpdate();
                for (String value : values) {
                    insert.setLong(1, domainId);
                    insert.setString(2, kind);
                    insert.setString(3, value);
                    insert.executeUpdate();
                }
                connection.commit();
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new StoreException("writing metadata " + kind + " of zone id " + domainId, e);
        }
    }

    /** Adds a TSIG key; fails when one of that name exists. */
    public void addTsigKey(TsigKey key) {
        if (tsigKey(key.name()).isPresent()) {
            throw new StoreException("TSIG key " + key.name() + " exists already");
        }
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "INSERT INTO tsigkeys (name, algorithm, secret) VALUES (?, ?, ?)")) {
            statement.setString(1, key.name());
            statement.setString(2, key.algorithm());
            statement.setString(3, key.secret());
            statement.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException("adding TSIG key " + key.name(), e);
        }
    }

    /** Deletes a TSIG key; false when there was none of that name. */
    public boolean deleteTsigKey(String name) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement("DELETE FROM tsigkeys WHERE name = ?")) {
            statement.setString(1, name);
            return statement.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new StoreException("deleting TSIG key " + name, e);
        }
    }

    /** Every TSIG key of the {@code tsigkeys} table. */
    public List<TsigKey> tsigKeys() {
        List<TsigKey> keys = new ArrayList<>();
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT name, algorithm, secret FROM tsigkeys ORDER BY id");
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                keys.add(new TsigKey(rows.getString(1), rows.getString(2), rows.getString(3)));
            }
        } catch (SQLException e) {
            throw new StoreException("reading the tsigkeys table", e);
        }
        return keys;
    }

    /** The TSIG key of this name (PowerDNS looks keys up by name only). */
    @Override
    public Optional<TsigKey> tsigKey(String name) {
        String bare = name.endsWith(".") && name.length() > 1 ? name.substring(0, name.length() - 1) : name;
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(
                     "SELECT name, algorithm, secret FROM tsigkeys WHERE name = ? ORDER BY id LIMIT 1")) {
            statement.setString(1, bare);
            try (ResultSet result = statement.executeQuery()) {
                if (!result.next()) {
                    return Optional.empty();
                }
                return Optional.of(new TsigKey(result.getString(1), result.getString(2), result.getString(3)));
            }
        } catch (SQLException e) {
            throw new StoreException("reading TSIG key " + name, e);
        }
    }

    private static Instant instant(ResultSet result, int column) throws SQLException {
        long value = result.getLong(column);
        return result.wasNull() ? null : Instant.ofEpochSecond(value);
    }

    private static void setInstant(PreparedStatement statement, int index, Instant value) throws SQLException {
        if (value == null) {
            statement.setNull(index, java.sql.Types.INTEGER);
        } else {
            statement.setLong(index, value.getEpochSecond());
        }
    }
}
