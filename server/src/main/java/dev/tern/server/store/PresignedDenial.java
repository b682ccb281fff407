package dev.tern.server.store;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.xbill.DNS.DClass;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.utils.base32;

/**
 * The NSEC, NSEC3 and NSEC3PARAM records of a presigned zone stored as PowerDNS stores it ({@link Rectify}): rebuilt
 * from the rows as PowerDNS builds them when it answers ({@code emitNSEC}, {@code emitNSEC3} in packethandler.cc), so
 * that the stored RRSIGs over them verify and ternd serves the same proofs as pdns_server. The chain is the names
 * with an {@code ordername}; the type bitmap holds the types of the authoritative rows and the delegation NS (RFC
 * 4034 4.1.2, RFC 5155 3.2); the TTL is the original TTL of the stored signature, or else the negative-caching TTL
 * (RFC 9077 3). A zone that keeps NSEC or NSEC3 rows of its own gets nothing added.
 */
final class PresignedDenial {
    private static final base32 BASE32HEX = new base32(base32.Alphabet.BASE32HEX, false, true);

    private final Name origin;
    private final Presigned state;
    private final Map<Name, String> ordernames = new HashMap<>();
    private final Map<Name, Set<Integer>> types = new HashMap<>();
    private final Map<Name, Long> signedTtls = new HashMap<>();
    private Long nsec3paramTtl;
    private boolean ownChain;
    private boolean ownNsec3param;

    PresignedDenial(Name origin, Presigned state) {
        this.origin = origin;
        this.state = state;
    }

    /** Notes one row; {@code record} is null for an empty non-terminal. */
    void row(Name owner, Record record, String ordername, boolean auth) {
        if (ordername != null) {
            ordernames.putIfAbsent(owner, ordername);
        }
        if (record == null) {
            return;
        }
        int type = record.getType();
        if (type == Type.NSEC || type == Type.NSEC3) {
            ownChain = true;
        } else if (type == Type.NSEC3PARAM) {
            ownNsec3param = true;
        } else if (record instanceof RRSIGRecord sig) {
            int covered = sig.getTypeCovered();
            if (covered == Type.NSEC || covered == Type.NSEC3) {
                signedTtls.putIfAbsent(owner, sig.getOrigTTL());
            } else if (covered == Type.NSEC3PARAM && owner.equals(origin)) {
                nsec3paramTtl = sig.getOrigTTL();
            }
        }
        if (auth || type == Type.NS) {
            types.computeIfAbsent(owner, n -> new TreeSet<>()).add(type);
        }
    }

    /** The records PowerDNS would answer with that have no rows; none for an unsigned zone. */
    List<Record> records(SOARecord soa) {
        List<Record> records = new ArrayList<>();
        long negativeTtl = Math.min(soa.getTTL(), soa.getMinimum());
        if (state instanceof Presigned.Nsec && !ownChain) {
            TreeSet<Name> chain = new TreeSet<>(ordernames.keySet());
            for (Name name : chain) {
                Name next = chain.higher(name);
                Set<Integer> bitmap = new TreeSet<>(types.getOrDefault(name, Set.of()));
                bitmap.add(Type.NSEC);
                bitmap.add(Type.RRSIG);
                if (name.equals(origin)) {
                    bitmap.add(Type.SOA);
                }
                records.add(new NSECRecord(name, DClass.IN, signedTtls.getOrDefault(name, negativeTtl),
                        next == null ? origin : next, array(bitmap)));
            }
        } else if (state instanceof Presigned.Nsec3 nsec3) {
            if (!ownNsec3param) {
                records.add(nsec3.record(origin, nsec3paramTtl != null ? nsec3paramTtl : negativeTtl));
            }
            if (ownChain) {
                return records;
            }
            NavigableMap<String, Name> chain = new TreeMap<>();
            ordernames.forEach((name, hash) -> chain.putIfAbsent(hash.toLowerCase(Locale.ROOT), name));
            byte[] salt = nsec3.record(origin, 0).getSalt();
            for (Map.Entry<String, Name> link : chain.entrySet()) {
                Map.Entry<String, Name> next = chain.higherEntry(link.getKey());
                String nextHash = next == null ? chain.firstKey() : next.getKey();
                Name name = link.getValue();
                Set<Integer> bitmap = new TreeSet<>(types.getOrDefault(name, Set.of()));
                if (name.equals(origin)) {
                    bitmap.add(Type.SOA);
                    bitmap.add(Type.NSEC3PARAM);
                }
                if (!bitmap.isEmpty() && !bitmap.equals(Set.of(Type.NS))) {
                    bitmap.add(Type.RRSIG);
                }
                byte[] nextBytes = BASE32HEX.fromString(nextHash);
                if (nextBytes == null) {
                    continue;
                }
                Name owner;
                try {
                    owner = Name.concatenate(Name.fromString(link.getKey()), origin);
                } catch (TextParseException | org.xbill.DNS.NameTooLongException e) {
                    continue;
                }
                records.add(new NSEC3Record(owner, DClass.IN, signedTtls.getOrDefault(owner, negativeTtl),
                        nsec3.algorithm(), nsec3.flags(), nsec3.iterations(), salt, nextBytes, array(bitmap)));
            }
        }
        return records;
    }

    private static int[] array(Set<Integer> types) {
        return types.stream().mapToInt(Integer::intValue).toArray();
    }
}
