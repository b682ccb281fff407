package dev.tern.server.acl;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import org.xbill.DNS.Name;

/**
 * The per-zone policies and the keyring in force now: replaced as a whole by the zone worker after each read of SQL,
 * read without locks by event loops.
 */
public final class Policies {
    private volatile Map<Name, ZonePolicy> zones = Map.of();
    private volatile Keyring keyring = Keyring.EMPTY;

    public void replace(Map<Name, ZonePolicy> policies, Keyring keys) {
        this.zones = Map.copyOf(requireNonNull(policies, "policies"));
        this.keyring = requireNonNull(keys, "keys");
    }

    /** The policy of a zone; {@link ZonePolicy#NONE} when it has no metadata. */
    public ZonePolicy of(Name zone) {
        return zones.getOrDefault(zone, ZonePolicy.NONE);
    }

    public Keyring keyring() {
        return keyring;
    }
}
