package dev.tern.server.events;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.TSIG;
import dev.tern.server.acl.Keyring;
import dev.tern.server.secondary.Primary;
import dev.tern.server.store.DomainRow;
import dev.tern.server.store.ZoneStateStore;

/**
 * A secondary zone's settings as PowerDNS keeps them: its primaries from {@code domains.master}, the TSIG key named
 * by the {@code AXFR-MASTER-TSIG} metadata (looked up in {@code tsigkeys}) and the source address of
 * {@code AXFR-SOURCE}. An entry that cannot be used is logged and left out; the rest still applies.
 */
final class SecondarySettings {
    private static final Logger logger = LoggerFactory.getLogger(SecondarySettings.class);

    private SecondarySettings() {
    }

    /** Reads the settings of one zone; failures to read the database are {@code StoreException}s. */
    static SecondaryZone.Config read(DomainRow row, ZoneStateStore stateStore) {
        List<String> problems = new ArrayList<>();
        List<Primary> primaries = Primary.parseList(row.masters(), problems);
        for (String problem : problems) {
            logger.warn("[{}] domains.master: {}; that entry is skipped", row.name(), problem);
        }
        TSIG tsig = null;
        String keyName = null;
        List<String> keys = stateStore.metadata(row.id(), "AXFR-MASTER-TSIG");
        if (!keys.isEmpty()) {
            keyName = keys.get(0);
            tsig = stateStore.tsigKey(keyName).map(key -> Keyring.toTsig(key.name(), key.algorithm(), key.secret()))
                    .orElse(null);
            if (tsig == null) {
                logger.error("[{}] AXFR-MASTER-TSIG names key '{}', which is not in the tsigkeys table;"
                        + " refreshes will fail until it is added", row.name(), keyName);
            }
        }
        InetAddress source = null;
        List<String> sources = stateStore.metadata(row.id(), "AXFR-SOURCE");
        if (!sources.isEmpty()) {
            try {
                source = Primary.parse(sources.get(0)).address().getAddress();
            } catch (IllegalArgumentException e) {
                logger.warn("[{}] AXFR-SOURCE '{}' is not an IP address; using query-local-address", row.name(),
                        sources.get(0));
            }
        }
        return new SecondaryZone.Config(primaries, tsig, keyName, source);
    }
}
