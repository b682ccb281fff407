package dev.tern.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import dev.tern.server.zone.ZoneSnapshotBuilder;

/**
 * Zones PowerDNS would sign as it answers (active keys in {@code cryptokeys}, no {@code PRESIGNED=1}): Tern does
 * not sign, so such a zone is served as stored and its snapshot carries a sentence saying so and what to do.
 */
final class OnlineSigning {
    private OnlineSigning() {
    }

    /**
     * PowerDNS signs a zone online when it has active keys in {@code cryptokeys} and no {@code PRESIGNED=1}
     * metadata. Tern does not sign: such a zone is served as stored, unsigned, and the snapshot says so.
     */
    static void check(Connection connection, DomainRow domain, ZoneSnapshotBuilder builder)
            throws SQLException {
        if (!JdbcZoneStore.tableExists(connection, "cryptokeys")
                || !JdbcZoneStore.tableExists(connection, "domainmetadata")) {
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
}
