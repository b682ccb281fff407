package dev.tern.server.acl;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.List;
import org.xbill.DNS.Name;
import dev.tern.config.Netmask;

/**
 * Decides whether a client may transfer a zone, in PowerDNS's order (first match wins): {@code disable-axfr}
 * refuses everything; a request signed with a valid key is allowed when the key is in the zone's
 * {@code TSIG-ALLOW-AXFR} and refused otherwise; an unsigned request is allowed from {@code allow-axfr-ips} or the
 * zone's {@code ALLOW-AXFR-FROM}. Unlike PowerDNS, a zone with {@code TSIG-ALLOW-AXFR} keys refuses unsigned requests
 * from addresses that only {@code allow-axfr-ips} lists: the key is what the operator asked for.
 */
public final class TransferAcl {
    /** The decision, with the reason the log gives. */
    public record Decision(boolean allowed, String reason) {
    }

    private final boolean disabled;
    private final List<Netmask> allowAxfrIps;

    public TransferAcl(boolean disabled, List<Netmask> allowAxfrIps) {
        this.disabled = disabled;
        this.allowAxfrIps = List.copyOf(requireNonNull(allowAxfrIps, "allowAxfrIps"));
    }

    /**
     * @param keyName the name of the key the request was signed with and verified by, or null when unsigned
     */
    public Decision decide(ZonePolicy policy, InetAddress client, Name keyName) {
        if (disabled) {
            return new Decision(false, "disable-axfr is set");
        }
        if (keyName != null) {
            for (String allowed : policy.tsigAllowAxfr()) {
                if (Keyring.name(allowed).equals(keyName)) {
                    return new Decision(true, "signed with key " + keyName + " (TSIG-ALLOW-AXFR)");
                }
            }
            return new Decision(false, "key " + keyName + " is not in the zone's TSIG-ALLOW-AXFR "
                    + policy.tsigAllowAxfr());
        }
        if (!policy.tsigAllowAxfr().isEmpty()) {
            return new Decision(false, "unsigned, and the zone's TSIG-ALLOW-AXFR asks for key "
                    + String.join(" or ", policy.tsigAllowAxfr()));
        }
        if (contains(allowAxfrIps, client)) {
            return new Decision(true, "client is in allow-axfr-ips");
        }
        if (contains(policy.allowAxfrFrom(), client)) {
            return new Decision(true, "client is in the zone's ALLOW-AXFR-FROM");
        }
        return new Decision(false, "client is neither in allow-axfr-ips nor in the zone's ALLOW-AXFR-FROM");
    }

    private static boolean contains(List<Netmask> masks, InetAddress address) {
        for (Netmask mask : masks) {
            if (mask.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
