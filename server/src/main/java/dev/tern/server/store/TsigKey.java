package dev.tern.server.store;

import static java.util.Objects.requireNonNull;

/** A row of PowerDNS's {@code tsigkeys} table: key name (no trailing dot), algorithm name, base64 secret. */
public record TsigKey(String name, String algorithm, String secret) {
    public TsigKey {
        requireNonNull(name, "name");
        requireNonNull(algorithm, "algorithm");
        requireNonNull(secret, "secret");
    }

    @Override
    public String toString() {
        return name + " (" + algorithm + ")";
    }
}
