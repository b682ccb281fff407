package dev.tern.server.store;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import dev.tern.server.zone.Node;
import dev.tern.server.zone.ZoneCheckException;
import dev.tern.server.zone.ZoneSnapshotBuilder;

/**
 * Reads one zone's rows of the {@code records} table into a {@link ZoneSnapshotBuilder}: each row parsed in
 * PowerDNS's format, a row that cannot be read kept as a broken row (its name answers SERVFAIL for its type, the
 * rest is served), and for a presigned zone the NSEC/NSEC3 records PowerDNS keeps no rows for, built again from
 * the names, ordernames and metadata ({@link PresignedDenial}).
 */
final class ZoneReader {
    private static final String RECORDS = "SELECT id, name, type, content, ttl, prio, ordername, auth FROM records"
            + " WHERE domain_id = ? AND disabled = 0";

    private final long defaultTtl;

    ZoneReader(long defaultTtl) {
        this.defaultTtl = defaultTtl;
    }

    /** The zone's rows in a builder, not yet built (the caller may add more findings first). */
    ZoneSnapshotBuilder read(Connection connection, DomainRow domain) throws SQLException {
        ZoneSnapshotBuilder builder = new ZoneSnapshotBuilder(domain.name());
        PresignedDenial denial = new PresignedDenial(domain.name(), Presigned.read(connection, domain.id()));
        SOARecord soa = null;
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
        if (soa != null) {
            for (Record record : denial.records(soa)) {
                builder.add(record, "the denial records PowerDNS makes for a presigned zone");
            }
        }
        return builder;
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
}
