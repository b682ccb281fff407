package dev.tern.server.events;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Name;
import dev.tern.config.Netmask;
import dev.tern.server.acl.Keyring;
import dev.tern.server.acl.Policies;
import dev.tern.server.acl.ZonePolicy;
import dev.tern.server.secondary.Primary;
import dev.tern.server.store.SecondaryStore;
import dev.tern.server.store.StoreException;
import dev.tern.server.store.TsigKey;
import dev.tern.server.zone.Zone;
import dev.tern.server.zone.Zones;

/**
 * Reads the transfer and NOTIFY metadata of every zone and the TSIG keys from SQL (two queries) and replaces the
 * {@link Policies} that event loops read. Runs on the zone worker at start and at every poll, so a metadata change
 * made with {@code pdnsutil} or SQL takes effect within {@code sql-poll-interval}. Each unusable value is logged
 * once.
 */
public final class PolicyLoader {
    private static final Logger logger = LoggerFactory.getLogger(PolicyLoader.class);
    static final List<String> KINDS = List.of("ALLOW-AXFR-FROM", "TSIG-ALLOW-AXFR", "ALSO-NOTIFY", "SLAVE-RENOTIFY");

    private final SecondaryStore store;
    private final Zones zones;
    private final Policies policies;
    private final Set<String> reported = new HashSet<>();

    public PolicyLoader(SecondaryStore store, Zones zones, Policies policies) {
        this.store = requireNonNull(store, "store");
        this.zones = requireNonNull(zones, "zones");
        this.policies = requireNonNull(policies, "policies");
    }

    public void load() {
        Map<Long, Map<String, List<String>>> metadata;
        List<TsigKey> keys;
        try {
            metadata = store.metadataOfKinds(KINDS);
            keys = store.tsigKeys();
        } catch (StoreException e) {
            logger.warn("cannot read zone metadata and TSIG keys, keeping the ones in force: {}", e.getMessage());
            return;
        }
        List<String[]> entries = new ArrayList<>();
        for (TsigKey key : keys) {
            entries.add(new String[] {key.name(), key.algorithm(), key.secret()});
        }
        Keyring keyring = Keyring.of(entries, this::reportOnce);
        Map<Name, ZonePolicy> byZone = new HashMap<>();
        for (Zone zone : zones.table().zones()) {
            Map<String, List<String>> kinds = metadata.get(zone.id());
            if (kinds != null) {
                ZonePolicy policy = policy(kinds);
                for (String problem : policy.problems()) {
                    reportOnce("[" + zone.name() + "] " + problem);
                }
                for (String key : policy.tsigAllowAxfr()) {
                    if (keyring.get(key) == null) {
                        reportOnce("[" + zone.name() + "] TSIG-ALLOW-AXFR names key '" + key
                                + "', which is not in the tsigkeys table; transfers signed with it are refused");
                    }
                }
                byZone.put(zone.name(), policy);
            }
        }
        policies.replace(byZone, keyring);
    }

    static ZonePolicy policy(Map<String, List<String>> kinds) {
        List<String> problems = new ArrayList<>();
        List<Netmask> allow = new ArrayList<>();
        for (String value : kinds.getOrDefault("ALLOW-AXFR-FROM", List.of())) {
            for (String item : value.trim().split("[,\\s]+")) {
                if (item.isEmpty()) {
                    continue;
                }
                if (item.equalsIgnoreCase("AUTO-NS")) {
                    problems.add("ALLOW-AXFR-FROM AUTO-NS is not supported (Tern never resolves NS names for"
                            + " access control); list the secondaries' addresses instead");
                    continue;
                }
                try {
                    allow.add(Netmask.parse(item));
                } catch (IllegalArgumentException e) {
                    problems.add("ALLOW-AXFR-FROM '" + item + "' is not an address range: " + e.getMessage());
                }
            }
        }
        List<String> keys = new ArrayList<>();
        for (String value : kinds.getOrDefault("TSIG-ALLOW-AXFR", List.of())) {
            if (!value.isBlank()) {
                keys.add(value.trim());
            }
        }
        List<InetSocketAddress> alsoNotify = new ArrayList<>();
        for (String value : kinds.getOrDefault("ALSO-NOTIFY", List.of())) {
            try {
                alsoNotify.add(Primary.parse(value.trim()).address());
            } catch (IllegalArgumentException e) {
                problems.add("ALSO-NOTIFY '" + value + "' is not ip or ip:port: " + e.getMessage());
            }
        }
        Boolean renotify = null;
        List<String> renotifyValues = kinds.getOrDefault("SLAVE-RENOTIFY", List.of());
        if (!renotifyValues.isEmpty()) {
            String value = renotifyValues.get(0).trim().toLowerCase(Locale.ROOT);
            renotify = value.equals("1") || value.equals("yes") || value.equals("true");
        }
        return new ZonePolicy(allow, keys, alsoNotify, keys.isEmpty() ? null : keys.get(0), renotify, problems);
    }

    private void reportOnce(String problem) {
        if (reported.add(problem)) {
            logger.warn("{}", problem);
        }
    }
}
