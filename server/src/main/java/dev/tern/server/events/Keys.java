package dev.tern.server.events;

import org.xbill.DNS.Name;
import org.xbill.DNS.TSIG;
import dev.tern.server.store.TsigKey;

/** Turns {@code tsigkeys} rows into dnsjava TSIG keys; algorithm names as PowerDNS writes them. */
final class Keys {
    private Keys() {
    }

    static TSIG toTsig(TsigKey key) {
        String algorithm = key.algorithm().toLowerCase(java.util.Locale.ROOT);
        Name algorithmName = "hmac-md5".equals(algorithm) ? TSIG.HMAC_MD5 : TSIG.algorithmToName(algorithm);
        String name = key.name().endsWith(".") ? key.name() : key.name() + ".";
        return new TSIG(algorithmName, Name.fromConstantString(name), key.secret());
    }
}
