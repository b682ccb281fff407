package dev.tern.server.store;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSEC3PARAMRecord;
import org.xbill.DNS.Name;

/**
 * How a zone's data is signed, as PowerDNS keeps it in {@code domainmetadata} ({@code ../shared/reference/powerdns.md}
 * 1.4): not signed; signed elsewhere with NSEC ({@code PRESIGNED=1}); or signed elsewhere with NSEC3
 * ({@code PRESIGNED=1} and {@code NSEC3PARAM} naming the chain's parameters, the Opt-Out flag in its flags field).
 * PowerDNS keeps no NSEC, NSEC3 or NSEC3PARAM rows for such a zone: it makes them from this and the {@code ordername}
 * column when it answers.
 */
public sealed interface Presigned {
    /** No signatures of its own: no PRESIGNED and no NSEC3PARAM metadata. */
    record Unsigned() implements Presigned {
    }

    /** Signed elsewhere, authenticated denial with NSEC (RFC 4034 4). */
    record Nsec() implements Presigned {
    }

    /**
     * Signed elsewhere, authenticated denial with NSEC3 (RFC 5155).
     *
     * @param flags 1 when the chain's NSEC3 records have the Opt-Out flag, as PowerDNS writes it into NSEC3PARAM
     * @param salt lower-case hex, empty for no salt
     */
    record Nsec3(int algorithm, int flags, int iterations, String salt) implements Presigned {
        public Nsec3 {
            if (!salt.equals(salt.toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("salt: " + salt + " (expected: lower-case hex)");
            }
        }

        static Nsec3 of(int algorithm, boolean optOut, int iterations, byte[] salt) {
            return new Nsec3(algorithm, optOut ? 1 : 0, iterations,
                    salt == null ? "" : HexFormat.of().formatHex(salt));
        }

        public boolean optOut() {
            return (flags & 1) != 0;
        }

        /** The NSEC3PARAM metadata value, as PowerDNS writes it: {@code 1 0 0 ab}, {@code -} for no salt. */
        public String metadata() {
            return algorithm + " " + flags + " " + iterations + " " + (salt.isEmpty() ? "-" : salt);
        }

        /** Parses an NSEC3PARAM metadata value; null when it is not one. */
        static Nsec3 parse(String value) {
            String[] fields = value == null ? new String[0] : value.trim().split("\\s+");
            if (fields.length != 4) {
                return null;
            }
            try {
                String salt = fields[3].equals("-") ? "" : fields[3].toLowerCase(Locale.ROOT);
                HexFormat.of().parseHex(salt);
                return new Nsec3(Integer.parseInt(fields[0]), Integer.parseInt(fields[1]),
                        Integer.parseInt(fields[2]), salt);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        /** The parameters as a record at the apex, flags 0 (RFC 5155 4.1.2), for hashing and for answers. */
        public NSEC3PARAMRecord record(Name origin, long ttl) {
            return new NSEC3PARAMRecord(origin, DClass.IN, ttl, algorithm, 0, iterations,
                    HexFormat.of().parseHex(salt));
        }
    }

    /** Reads the zone's signing state from its metadata; a zone without PRESIGNED=1 is {@link Unsigned}. */
    static Presigned read(Connection connection, long domainId) throws SQLException {
        Map<String, String> values = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT upper(kind), content FROM"
                + " domainmetadata WHERE domain_id = ? AND upper(kind) IN ('PRESIGNED', 'NSEC3PARAM') ORDER BY id")) {
            statement.setLong(1, domainId);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    values.putIfAbsent(result.getString(1), result.getString(2));
                }
            }
        }
        if (!"1".equals(values.get("PRESIGNED"))) {
            return new Unsigned();
        }
        Nsec3 nsec3 = Nsec3.parse(values.get("NSEC3PARAM"));
        return nsec3 != null ? nsec3 : new Nsec();
    }

    /**
     * Makes the metadata say {@code state}, as PowerDNS's AXFR-in does (slavecommunicator.cc {@code suck}): PRESIGNED
     * set or removed, NSEC3PARAM replaced or removed, NSEC3NARROW removed (a transferred chain is never narrow).
     * Rows already right are left alone.
     */
    static void write(Connection connection, long domainId, Presigned state) throws SQLException {
        Map<String, String> values = new HashMap<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT upper(kind), content FROM"
                + " domainmetadata WHERE domain_id = ? AND upper(kind) IN ('PRESIGNED', 'NSEC3PARAM', 'NSEC3NARROW')")) {
            statement.setLong(1, domainId);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    values.putIfAbsent(result.getString(1), result.getString(2));
                }
            }
        }
        boolean signed = !(state instanceof Unsigned);
        if (signed && !"1".equals(values.get("PRESIGNED"))) {
            replace(connection, domainId, "PRESIGNED", "1");
        } else if (!signed && values.containsKey("PRESIGNED")) {
            replace(connection, domainId, "PRESIGNED", null);
        }
        if (state instanceof Nsec3 nsec3) {
            if (!nsec3.equals(Nsec3.parse(values.get("NSEC3PARAM")))) {
                replace(connection, domainId, "NSEC3PARAM", nsec3.metadata());
            }
            if (values.containsKey("NSEC3NARROW")) {
                replace(connection, domainId, "NSEC3NARROW", null);
            }
        } else if (values.containsKey("NSEC3PARAM") || values.containsKey("NSEC3NARROW")) {
            replace(connection, domainId, "NSEC3PARAM", null);
            replace(connection, domainId, "NSEC3NARROW", null);
        }
    }

    private static void replace(Connection connection, long domainId, String kind, String value) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement(
                "DELETE FROM domainmetadata WHERE domain_id = ? AND upper(kind) = ?")) {
            delete.setLong(1, domainId);
            delete.setString(2, kind);
            delete.executeUpdate();
        }
        if (value != null) {
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO domainmetadata (domain_id, kind, content) VALUES (?, ?, ?)")) {
                insert.setLong(1, domainId);
                insert.setString(2, kind);
                insert.setString(3, value);
                insert.executeUpdate();
            }
        }
    }
}
