package dev.tern.server.store;

import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.xbill.DNS.NSEC3PARAMRecord;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.xbill.DNS.utils.base32;
import dev.tern.server.zone.ZoneCheckException;

/**
 * The rows of a zone as PowerDNS writes a zone it transferred ({@code ../shared/reference/powerdns.md} 1.3 and 1.6;
 * {@code suck} in slavecommunicator.cc, {@code feedEnts}/{@code feedEnts3} in gsqlbackend.cc), checked against
 * pdns_server 4.7 as a secondary of a signing knotd:
 * <ul>
 * <li>NSEC or NSEC3 records make the zone presigned; NSEC, NSEC3 and NSEC3PARAM records get no rows (PowerDNS makes
 * them when it answers, from the metadata and {@code ordername}); RRSIGs are kept only in a presigned zone.</li>
 * <li>{@code auth} is 0 at and below a delegation, but for the DS at the cut, and 1 everywhere else; RRSIG rows are
 * always 1.</li>
 * <li>{@code ordername}, only in a presigned zone and never on RRSIG rows: with NSEC the owner relative to the apex,
 * labels reversed, lower case, space separated ({@code ''} at the apex), for authoritative rows and delegation NS;
 * with NSEC3 the lower-case base32hex hash, for authoritative rows and delegation NS unless Opt-Out left the
 * delegation out of the chain. Glue has none.</li>
 * <li>An empty non-terminal row for every name between the apex and an owner that has no rows; its auth is that of
 * the rows below it, its ordername the hash in an NSEC3 zone when it is authoritative, otherwise NULL.</li>
 * </ul>
 */
final class Rectify {
    private static final base32 BASE32HEX = new base32(base32.Alphabet.BASE32HEX, false, true);

    private Rectify() {
    }

    /**
     * One row of the records table; {@code type}, {@code content}, {@code ttl} and {@code prio} are null for an empty
     * non-terminal.
     */
    record Row(String name, String type, String content, Long ttl, Integer prio, String ordername, boolean auth) {
        Row {
            java.util.Objects.requireNonNull(name, "name");
        }
    }

    /** The rows of a zone and how it is signed. */
    record Rows(List<Row> rows, Presigned presigned) {
        Rows {
            rows = List.copyOf(rows);
        }
    }

    static Rows of(Name origin, Collection<Record> records) {
        NSEC3PARAMRecord parameters = null;
        Boolean optOut = null;
        boolean nsec = false;
        NSEC3Record firstNsec3 = null;
        Set<String> securedDelegations = new HashSet<>();
        Set<Name> owners = new HashSet<>();
        Set<Name> delegations = new HashSet<>();
        List<Record> kept = new ArrayList<>();
        for (Record record : records) {
            switch (record.getType()) {
                case Type.NSEC3PARAM:
                    if (record.getName().equals(origin)) {
                        parameters = (NSEC3PARAMRecord) record;
                    }
                    continue;
                case Type.NSEC3: {
                    NSEC3Record nsec3 = (NSEC3Record) record;
                    boolean flag = (nsec3.getFlags() & NSEC3Record.Flags.OPT_OUT) != 0;
                    if (optOut != null && optOut != flag) {
                        // PowerDNS refuses such a zone too; it cannot describe it with one NSEC3PARAM.
                        throw new ZoneCheckException("zone " + origin + " mixes Opt-Out and other NSEC3 records"
                                + " (" + record.getName() + "); PowerDNS cannot store such a zone");
                    }
                    optOut = flag;
                    if (firstNsec3 == null) {
                        firstNsec3 = nsec3;
                    }
                    if (nsec3.hasType(Type.NS) && !nsec3.hasType(Type.SOA)) {
                        securedDelegations.add(record.getName().getLabelString(0).toLowerCase(Locale.ROOT));
                    }
                    continue;
                }
                case Type.NSEC:
                    nsec = true;
                    continue;
                case Type.NS:
                    if (!record.getName().equals(origin)) {
                        delegations.add(record.getName());
                    }
                    break;
                default:
                    break;
            }
            owners.add(record.getName());
            kept.add(record);
        }
        Presigned presigned;
        NSEC3PARAMRecord hashing = null;
        if (firstNsec3 != null) {
            // The NSEC3PARAM names the chain; a zone without one is hashed as its NSEC3 records say.
            Presigned.Nsec3 nsec3 = parameters != null
                    ? Presigned.Nsec3.of(parameters.getHashAlgorithm(), optOut, parameters.getIterations(),
                            parameters.getSalt())
                    : Presigned.Nsec3.of(firstNsec3.getHashAlgorithm(), optOut, firstNsec3.getIterations(),
                            firstNsec3.getSalt());
            presigned = nsec3;
            hashing = nsec3.record(origin, 0);
        } else if (nsec) {
            presigned = new Presigned.Nsec();
        } else {
            presigned = new Presigned.Unsigned();
        }
        boolean signed = !(presigned instanceof Presigned.Unsigned);
        boolean chainOptOut = presigned instanceof Presigned.Nsec3 n3 && n3.optOut();

        List<Row> rows = new ArrayList<>();
        Map<Name, Boolean> emptyNonTerminals = new TreeMap<>();
        for (Record record : kept) {
            int type = record.getType();
            if (type == Type.RRSIG && !signed) {
                continue;
            }
            Name owner = record.getName();
            boolean auth = true;
            List<Name> missing = new ArrayList<>();
            for (Name name = owner; ; name = new Name(name, 1)) {
                if (!owners.contains(name)) {
                    missing.add(name);
                }
                if (delegations.contains(name) && type != Type.DS) {
                    auth = false;
                }
                if (name.equals(origin) || name.labels() <= origin.labels()) {
                    break;
                }
            }
            String hash = hashing == null ? null : hash(hashing, owner);
            // A delegation is in the chain unless Opt-Out left it out (RFC 5155 6: only an unsigned delegation
            // may be); the empty non-terminals above a name are authoritative when the name is in the chain.
            boolean inChain = auth || (type == Type.NS && (!chainOptOut || securedDelegations.contains(hash)));
            for (Name name : missing) {
                emptyNonTerminals.merge(name, inChain, Boolean::logicalOr);
            }
            if (type == Type.RRSIG) {
                auth = true;
            }
            String ordername = null;
            if (signed && type != Type.RRSIG && inChain) {
                ordername = hashing != null ? hash : nsecOrder(origin, owner);
            }
            RecordRow row = PdnsRecordFormat.toRow(record);
            rows.add(new Row(row.name(), row.type(), row.content(), row.ttl(), row.prio(), ordername, auth));
        }
        for (Map.Entry<Name, Boolean> ent : emptyNonTerminals.entrySet()) {
            boolean auth = ent.getValue();
            String ordername = hashing != null && auth ? hash(hashing, ent.getKey()) : null;
            rows.add(new Row(PdnsRecordFormat.ownerColumn(ent.getKey()), null, null, null, null, ordername, auth));
        }
        return new Rows(rows, presigned);
    }

    /** NSEC order: the labels below the apex, reversed, lower case, space separated; {@code ''} at the apex. */
    static String nsecOrder(Name origin, Name owner) {
        Name relative = owner.relativize(origin);
        int below = owner.labels() - origin.labels();
        List<String> labels = new ArrayList<>(below);
        for (int i = below - 1; i >= 0; i--) {
            labels.add(relative.getLabelString(i).toLowerCase(Locale.ROOT));
        }
        return String.join(" ", labels);
    }

    /** NSEC3 order: the lower-case base32hex hash of the owner (RFC 5155 5). */
    static String hash(NSEC3PARAMRecord parameters, Name owner) {
        try {
            return BASE32HEX.toString(parameters.hashName(owner)).toLowerCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new ZoneCheckException("NSEC3 hash algorithm " + parameters.getHashAlgorithm()
                    + " is not known (expected: 1, SHA-1)");
        }
    }
}
