package dev.tern.server.acl;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;

/** The TSIG keys of the {@code tsigkeys} table by name, as dnsjava keys; algorithm names as PowerDNS writes them. */
public final class Keyring {
    public static final Keyring EMPTY = new Keyring(Map.of());

    private final Map<Name, TSIG> keys;

    private Keyring(Map<Name, TSIG> keys) {
        this.keys = Map.copyOf(keys);
    }

    /** Builds a keyring; {@code entries} are (name, algorithm, base64 secret) triples. Bad keys are skipped. */
    public static Keyring of(Iterable<String[]> entries, java.util.function.Consumer<String> problems) {
        Map<Name, TSIG> keys = new HashMap<>();
        for (String[] entry : entries) {
            try {
                keys.putIfAbsent(name(entry[0]), toTsig(entry[0], entry[1], entry[2]));
            } catch (RuntimeException e) {
                problems.accept("TSIG key '" + entry[0] + "' (" + entry[1] + ") is unusable: " + e.getMessage());
            }
        }
        return new Keyring(keys);
    }

    /** A dnsjava TSIG key from a {@code tsigkeys} row. */
    public static TSIG toTsig(String name, String algorithm, String secret) {
        String lower = algorithm.toLowerCase(Locale.ROOT);
        Name algorithmName = "hmac-md5".equals(lower) ? TSIG.HMAC_MD5 : TSIG.algorithmToName(lower);
        return new TSIG(algorithmName, name(name), secret);
    }

    /** The key of this name, or null. */
    public TSIG get(Name name) {
        return keys.get(name);
    }

    /** The key of this name as written in metadata (with or without the final dot), or null. */
    public TSIG get(String name) {
        return keys.get(name(name));
    }

    static Name name(String text) {
        return Name.fromConstantString(text.endsWith(".") ? text : text + ".");
    }
}
