package dev.tern.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Signs a master file with BIND's {@code dnssec-keygen} and {@code dnssec-signzone} (Debian's {@code bind9-utils}):
 * an ECDSA P-256 KSK and ZSK made for the occasion, NSEC or NSEC3 (with or without Opt-Out).
 */
public final class SignedZone {
    /** How authenticated denial is done. */
    public enum Denial { NSEC, NSEC3, NSEC3_OPT_OUT }

    private SignedZone() {
    }

    /**
     * Signs {@code text} for {@code zone} (no trailing dot) in {@code dir}, with the keys made there before or two new
     * ones; returns the signed master file, one whole record per line ({@code -O full}), so a test can take one
     * out.
     */
    public static Path sign(Path dir, String zone, String text, Denial denial) throws Exception {
        String keygen = Peers.require("dnssec-keygen", "bind9-utils");
        String signzone = Peers.require("dnssec-signzone", "bind9-utils");
        Files.createDirectories(dir);
        StringBuilder unsigned = new StringBuilder(text);
        List<Path> keys;
        try (var files = Files.list(dir)) {
            keys = files.filter(f -> f.getFileName().toString().startsWith("K" + zone + ".+")
                    && f.getFileName().toString().endsWith(".key")).sorted().toList();
        }
        if (!keys.isEmpty()) {
            // Signed before in this directory: a new version of the zone, signed with the same keys.
            keys.forEach(key -> unsigned.append("$INCLUDE ").append(key).append('\n'));
        }
        for (List<String> flags : keys.isEmpty() ? List.of(List.of("-f", "KSK"), List.<String>of())
                : List.<List<String>>of()) {
            List<String> command = new ArrayList<>(List.of(keygen, "-q", "-K", dir.toString(), "-a",
                    "ECDSAP256SHA256"));
            command.addAll(flags);
            command.add(zone);
            Peers.Result key = Peers.run(60, command.toArray(String[]::new));
            assertThat(key.exitCode()).as("dnssec-keygen: " + key.output()).isZero();
            unsigned.append("$INCLUDE ").append(dir.resolve(key.output().trim() + ".key")).append('\n');
        }
        Path in = dir.resolve(zone + ".zone");
        Path out = dir.resolve(zone + ".zone.signed");
        Files.writeString(in, unsigned, StandardCharsets.UTF_8);
        List<String> command = new ArrayList<>(List.of(signzone, "-q", "-K", dir.toString(), "-d", dir.toString(),
                "-o", zone, "-f", out.toString(), "-O", "full"));
        if (denial != Denial.NSEC) {
            command.addAll(List.of("-3", "ab", "-H", "0"));
        }
        if (denial == Denial.NSEC3_OPT_OUT) {
            command.add("-A");
        }
        command.add(in.toString());
        Peers.Result signed = Peers.run(60, command.toArray(String[]::new));
        assertThat(signed.exitCode()).as("dnssec-signzone: " + signed.output()).isZero();
        return out;
    }
}
