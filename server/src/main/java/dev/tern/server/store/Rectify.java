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
        Signing signing = new Signing(origin);
        Set<Name> owners = new HashSet<>();
        Set<Name> delegations = new HashSet<>();
        List<Record> kept = new ArrayList<>();
        for (Record record : records) {
            if (signing.note(record)) {
                Tree.note(origin, record.getName(), record.getType(), owners, delegations);
                kept.add(record);
            }
        }
        Chain chain = signing.chain();
        List<Row> rows = new ArrayList<>();
        Map<Name, Boolean> emptyNonTerminals = new TreeMap<>();
        for (Record record : kept) {
            Placement placement = chain.place(record.getName(), record.getType(), owners, delegations,
                    emptyNonTerminals);
            if (placement == null) {
                continue;
            }
            RecordRow row = PdnsRecordFormat.toRow(record);
            rows.add(new Row(row.name(), row.type(), row.content(), row.ttl(), row.prio(), placement.ordername(),
                    placement.auth()));
        }
        rows.addAll(chain.emptyNonTerminals(emptyNonTerminals));
        return new Rows(rows, chain.presigned());
    }

    /** The ordername and auth columns of one row. */
    record Placement(String ordername, boolean auth) {
    }

    /** The owners and delegations of a zone, gathered row by row. */
    static final class Tree {
        private Tree() {
        }

        static void note(Name origin, Name owner, int type, Set<Name> owners, Set<Name> delegations) {
            if (type == Type.NS && !owner.equals(origin)) {
                delegations.add(owner);
            }
            owners.add(owner);
        }
    }

    /**
     * What the NSEC, NSEC3 and NSEC3PARAM records of a zone say about how it is signed, gathered record by record
     * in the order of the transfer (the first NSEC3 names the chain when there is no NSEC3PARAM).
     */
    static final class Signing {
        private final Name origin;
        private NSEC3PARAMRecord parameters;
        private Boolean optOut;
        private boolean nsec;
        private NSEC3Record firstNsec3;
        private final Set<String> securedDelegations = new HashSet<>();

        Signing(Name origin) {
            this.origin = origin;
        }

        /** Whether PowerDNS may only make this record when it answers: NSEC, NSEC3 and NSEC3PARAM get no rows. */
        static boolean answerOnly(int type) {
            return type == Type.NSEC3PARAM || type == Type.NSEC3 || type == Type.NSEC;
        }

        /** Takes note of one record; true when it gets a row, false for NSEC, NSEC3 and NSEC3PARAM. */
        boolean note(Record record) {
            switch (record.getType()) {
                case Type.NSEC3PARAM:
                    if (record.getName().equals(origin)) {
                        parameters = (NSEC3PARAMRecord) record;
                    }
                    return false;
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
                    return false;
                }
                case Type.NSEC:
                    nsec = true;
                    return false;
                default:
                    return true;
            }
        }

        Chain chain() {
            if (firstNsec3 != null) {
                // The NSEC3PARAM names the chain; a zone without one is hashed as its NSEC3 records say.
                Presigned.Nsec3 nsec3 = parameters != null
                        ? Presigned.Nsec3.of(parameters.getHashAlgorithm(), optOut, parameters.getIterations(),
                                parameters.getSalt())
                        : Presigned.Nsec3.of(firstNsec3.getHashAlgorithm(), optOut, firstNsec3.getIterations(),
                                firstNsec3.getSalt());
                return new Chain(origin, nsec3, nsec3.record(origin, 0), securedDelegations);
            }
            return new Chain(origin, nsec ? new Presigned.Nsec() : new Presigned.Unsigned(), null, Set.of());
        }
    }

    /** How a zone is signed, and so which ordername and auth each of its rows gets. */
    static final class Chain {
        private final Name origin;
        private final Presigned presigned;
        private final NSEC3PARAMRecord hashing;
        private final Set<String> securedDelegations;
        private final boolean signed;
        private final boolean optOut;

        Chain(Name origin, Presigned presigned, NSEC3PARAMRecord hashing, Set<String> securedDelegations) {
            this.origin = origin;
            this.presigned = presigned;
            this.hashing = hashing;
            this.securedDelegations = securedDelegations;
            this.signed = !(presigned instanceof Presigned.Unsigned);
            this.optOut = presigned instanceof Presigned.Nsec3 n3 && n3.optOut();
        }

        Presigned presigned() {
            return presigned;
        }

        boolean signed() {
            return signed;
        }

        /**
         * The ordername and auth of a row, given every owner and delegation of the zone, or null when the row is
         * not kept (an RRSIG in an unsigned zone); notes the empty non-terminals above the owner in {@code ents}.
         */
        Placement place(Name owner, int type, Set<Name> owners, Set<Name> delegations, Map<Name, Boolean> ents) {
            if (type == Type.RRSIG && !signed) {
                return null;
            }
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
            boolean inChain = auth || (type == Type.NS && (!optOut || securedDelegations.contains(hash)));
            for (Name name : missing) {
                ents.merge(name, inChain, Boolean::logicalOr);
            }
            if (type == Type.RRSIG) {
                auth = true;
            }
            String ordername = null;
            if (signed && type != Type.RRSIG && inChain) {
                ordername = hashing != null ? hash : nsecOrder(origin, owner);
            }
            return new Placement(ordername, auth);
        }

        /** The rows of the empty non-terminals noted by {@link #place}. */
        List<Row> emptyNonTerminals(Map<Name, Boolean> ents) {
            List<Row> rows = new ArrayList<>(ents.size());
            for (Map.Entry<Name, Boolean> ent : ents.entrySet()) {
                boolean auth = ent.getValue();
                String ordername = hashing != null && auth ? hash(hashing, ent.getKey()) : null;
                rows.add(new Row(PdnsRecordFormat.ownerColumn(ent.getKey()), null, null, null, null, ordername,
                        auth));
            }
            return rows;
        }
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
