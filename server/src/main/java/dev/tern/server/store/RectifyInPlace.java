package dev.tern.server.store;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import dev.tern.server.zone.ZoneCheckException;

/**
 * Rectifies a zone whose records were appended as they arrived ({@link RecordsTable#append}), inside the caller's
 * transaction, to the rows {@link Rectify#of} would have written: ordername and auth set, empty non-terminal rows
 * added, the NSEC, NSEC3 and NSEC3PARAM rows read for the chain's parameters and deleted, RRSIG rows of an unsigned
 * zone deleted, and the PRESIGNED and NSEC3PARAM metadata written. Memory holds the zone's owner names (the snapshot
 * served afterwards holds them anyway), never its rows: they are read in pages of {@link #PAGE} and updated by id.
 *
 * <pre>
 *  pass 1: every row, in order -> owners, delegations, the chain (NSEC3PARAM, first NSEC3, Opt-Out)
 *  pass 2: pages of rows by id  -> UPDATE ordername, auth where they differ from (NULL, 1); note the ENTs
 *  then:   DELETE NSEC/NSEC3/NSEC3PARAM rows (and RRSIGs when unsigned) -> INSERT ENT rows -> metadata
 * </pre>
 */
final class RectifyInPlace {
    static final int PAGE = 5000;

    private static final String ALL = "SELECT name, type, content, ttl, prio FROM records WHERE domain_id = ?"
            + " ORDER BY id";
    private static final String PAGE_OF_ROWS = "SELECT id, name, type FROM records WHERE domain_id = ? AND id > ?"
            + " ORDER BY id LIMIT " + PAGE;
    private static final String UPDATE = "UPDATE records SET ordername = ?, auth = ? WHERE id = ?";

    private RectifyInPlace() {
    }

    static void rectify(Connection connection, DomainRow domain) throws SQLException {
        Name origin = domain.name();
        Rectify.Signing signing = new Rectify.Signing(origin);
        Set<Name> owners = new HashSet<>();
        Set<Name> delegations = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(ALL)) {
            statement.setLong(1, domain.id());
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    Name owner = owner(origin, result.getString(1));
                    int type = Type.value(result.getString(2), true);
                    if (Rectify.Signing.answerOnly(type)) {
                        signing.note(record(owner, result));
                    } else {
                        Rectify.Tree.note(origin, owner, type, owners, delegations);
                    }
                }
            }
        }
        Rectify.Chain chain = signing.chain();
        Map<Name, Boolean> ents = new TreeMap<>();
        long after = 0;
        try (PreparedStatement page = connection.prepareStatement(PAGE_OF_ROWS);
             PreparedStatement update = connection.prepareStatement(UPDATE)) {
            while (true) {
                page.setLong(1, domain.id());
                page.setLong(2, after);
                int read = 0;
                int updates = 0;
                // The page is read whole before it is updated: SQLite leaves undefined what a cursor sees of rows
                // changed under it.
                List<Object[]> changes = new ArrayList<>();
                try (ResultSet result = page.executeQuery()) {
                    while (result.next()) {
                        read++;
                        after = result.getLong(1);
                        int type = Type.value(result.getString(3), true);
                        if (Rectify.Signing.answerOnly(type)) {
                            continue;
                        }
                        Rectify.Placement placement = chain.place(owner(origin, result.getString(2)), type, owners,
                                delegations, ents);
                        if (placement != null && (placement.ordername() != null || !placement.auth())) {
                            changes.add(new Object[] {placement.ordername(), placement.auth(), after});
                        }
                    }
                }
                for (Object[] change : changes) {
                    update.setString(1, (String) change[0]);
                    update.setInt(2, (Boolean) change[1] ? 1 : 0);
                    update.setLong(3, (Long) change[2]);
                    update.addBatch();
                    updates++;
                }
                if (updates > 0) {
                    update.executeBatch();
                }
                if (read < PAGE) {
                    break;
                }
            }
        }
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM records WHERE domain_id = ? AND"
                + " type IN ('NSEC', 'NSEC3', 'NSEC3PARAM', 'TYPE47', 'TYPE50', 'TYPE51'"
                + (chain.signed() ? "" : ", 'RRSIG', 'TYPE46'") + ")")) {
            delete.setLong(1, domain.id());
            delete.executeUpdate();
        }
        RecordsTable.insert(connection, domain.id(), chain.emptyNonTerminals(ents));
        Presigned.write(connection, domain.id(), chain.presigned());
    }

    private static Name owner(Name origin, String column) throws SQLException {
        try {
            return PdnsRecordFormat.parseOwner(column);
        } catch (TextParseException e) {
            // Written by this transaction from a parsed record: a bug, not the primary's data.
            throw new SQLException("owner '" + column + "' written for zone " + origin + " does not parse back", e);
        }
    }

    private static Record record(Name owner, ResultSet result) throws SQLException {
        try {
            return PdnsRecordFormat.toRecord(owner, result.getString(2), result.getString(3), result.getLong(4),
                    result.getInt(5));
        } catch (IOException | IllegalArgumentException e) {
            throw new ZoneCheckException(owner + " " + result.getString(2) + " '" + result.getString(3)
                    + "' does not parse back: " + PdnsRecordFormat.problem(e));
        }
    }
}
