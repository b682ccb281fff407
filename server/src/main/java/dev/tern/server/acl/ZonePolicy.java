package dev.tern.server.acl;

import java.net.InetSocketAddress;
import java.util.List;
import dev.tern.config.Netmask;

/**
 * A zone's transfer and NOTIFY policy from its metadata, as PowerDNS names it.
 *
 * @param allowAxfrFrom {@code ALLOW-AXFR-FROM}: address ranges allowed to transfer this zone
 * @param tsigAllowAxfr {@code TSIG-ALLOW-AXFR}: key names whose signed requests may transfer this zone
 * @param alsoNotify {@code ALSO-NOTIFY}: extra NOTIFY targets
 * @param notifyKey {@code TSIG-ALLOW-AXFR}'s first key, which signs NOTIFY as PowerDNS's send-signed-notify does;
 *     null for unsigned NOTIFY
 * @param renotify {@code SLAVE-RENOTIFY}: null when unset (the global {@code secondary-do-renotify} applies)
 * @param problems metadata values that could not be used, for one warning each
 */
public record ZonePolicy(List<Netmask> allowAxfrFrom, List<String> tsigAllowAxfr, List<InetSocketAddress> alsoNotify,
                         String notifyKey, Boolean renotify, List<String> problems) {
    public static final ZonePolicy NONE = new ZonePolicy(List.of(), List.of(), List.of(), null, null, List.of());

    public ZonePolicy {
        allowAxfrFrom = List.copyOf(allowAxfrFrom);
        tsigAllowAxfr = List.copyOf(tsigAllowAxfr);
        alsoNotify = List.copyOf(alsoNotify);
        problems = List.copyOf(problems);
    }
}
