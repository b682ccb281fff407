package dev.tern.server.testing;

import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Zones signed by BIND's {@code dnssec-signzone} (Debian's {@code bind9-utils}) with fresh ECDSA P-256 keys (a KSK
 * and a ZSK), for tests of signed answers: NSEC, NSEC3 with a fixed salt and no extra iterations, or NSEC3 with
 * Opt-Out.
 */
public final class SignedZones {
    /** How the zone denies existence. */
    public enum Chain {
        NSEC, NSEC3, NSEC3_OPT_OUT
    }

    private SignedZones() {
    }

    /** Signs {@code text} (a master file for {@code origin}, with a trailing dot) in {@code dir}; returns the text. */
    public static String sign(Path dir, String origin, String text, Chain chain) throws Exception {
        String keygen = Peers.require("dnssec-keygen", "bind9-utils");
        String signzone = Peers.require("dnssec-signzone", "bind9-utils");
        Path keys = Files.createDirectories(dir.resolve("keys-" + origin + chain));
        run(keygen, "-q", "-K", keys.toString(), "-a", "ECDSAP256SHA256", "-f", "KSK", origin);
        run(keygen, "-q", "-K", keys.toString(), "-a", "ECDSAP256SHA256", origin);
        Path unsigned = dir.resolve(origin + chain + ".zone");
        Path signed = dir.resolve(origin + chain + ".signed");
        Files.writeString(unsigned, text, StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of(signzone, "-q", "-S", "-K", keys.toString(), "-o", origin,
                "-f", signed.toString(), "-e", "+2592000"));
        if (chain != Chain.NSEC) {
            command.addAll(List.of("-3", "aabbccdd", "-H", "0"));
        }
        if (chain == Chain.NSEC3_OPT_OUT) {
            command.add("-A");
        }
        command.add(unsigned.toString());
        run(command.toArray(String[]::new));
        return Files.readString(signed, StandardCharsets.UTF_8);
    }

    private static void run(String... command) throws Exception {
        Peers.Result result = Peers.run(60, command);
        if (result.exitCode() != 0) {
            fail(String.join(" ", command) + " failed: " + result.output());
        }
    }
}
