package dev.tern.server.zone;

import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.xbill.DNS.NSEC3PARAMRecord;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.utils.base32;

/**
 * The NSEC3 chain of a signed zone (RFC 5155) with the parameters it was hashed with, indexed by hashed owner name:
 * base32hex keeps the order of the hash bytes, so a sorted map of the owner labels is the chain in hash order and the
 * NSEC3 that matches or covers a name is found with one hash and one lookup. Hashing is dnsjava's.
 */
public final class Nsec3Chain {
    private static final base32 BASE32HEX = new base32(base32.Alphabet.BASE32HEX, false, true);

    private final Name origin;
    private final NSEC3PARAMRecord parameters;
    private final NavigableMap<String, RRset> byHash;

    Nsec3Chain(Name origin, NSEC3PARAMRecord parameters, Map<String, RRset> byHash) {
        this.origin = origin;
        this.parameters = parameters;
        this.byHash = new TreeMap<>(byHash);
    }

    /** Hash bytes as they stand in the first label of an NSEC3 owner name: base32hex, lower case. */
    static String encode(byte[] hash) {
        return BASE32HEX.toString(hash).toLowerCase(Locale.ROOT);
    }

    /** The lower-case base32hex hash of a name, as it stands in the first label of an NSEC3 owner name. */
    public String hash(Name name) {
        try {
            return encode(parameters.hashName(name));
        } catch (NoSuchAlgorithmException e) {
            // The chain is only built with an algorithm that hashed the zone's own names (SHA-1, RFC 5155 11).
            throw new IllegalStateException("NSEC3 hash algorithm " + parameters.getHashAlgorithm(), e);
        }
    }

    /** The NSEC3 RRset whose owner is the hash of this name, or null. */
    public RRset matching(Name name) {
        return byHash.get(hash(name));
    }

    /** The NSEC3 RRset that covers the hash of a name that has no NSEC3 of its own (RFC 5155 1.3, wrapping). */
    public RRset covering(Name name) {
        Map.Entry<String, RRset> before = byHash.lowerEntry(hash(name));
        return before != null ? before.getValue() : byHash.lastEntry().getValue();
    }

    /** True when this NSEC3 has the Opt-Out flag (RFC 5155 3.1.2.1): insecure delegations may lie in its span. */
    public static boolean optOut(RRset nsec3) {
        return (((NSEC3Record) nsec3.first()).getFlags() & NSEC3Record.Flags.OPT_OUT) != 0;
    }

    public Name origin() {
        return origin;
    }

    public int size() {
        return byHash.size();
    }

    /** The hashed owner label of an NSEC3 owner name directly below the apex, lower case. */
    static String label(Name owner) {
        return owner.getLabelString(0).toLowerCase(Locale.ROOT);
    }

    static boolean hashable(NSEC3PARAMRecord parameters) {
        try {
            parameters.hashName(Name.root);
            return true;
        } catch (NoSuchAlgorithmException e) {
            return false;
        }
    }
}
