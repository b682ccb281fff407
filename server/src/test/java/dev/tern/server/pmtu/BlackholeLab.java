package dev.tern.server.pmtu;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.tern.server.testing.Peers;

/**
 * The shared PMTUD blackhole lab ({@code shared/lab/pmtud-blackhole}): a primary, two routers with an MTU-1280 hop
 * that drops ICMP "fragmentation needed", and a secondary, each in a network namespace of this run's own prefix.
 * Addresses are 198.18.0.0/15; nothing leaves the namespaces.
 */
final class BlackholeLab implements AutoCloseable {
    static final String PRIMARY_V4 = "198.18.1.2";
    static final String SECONDARY_V4 = "198.18.3.2";

    private final String script;
    private final String prefix;

    private BlackholeLab(String script, String prefix) {
        this.script = script;
        this.prefix = prefix;
    }

    /** Finds the lab script by walking up from the working directory, and brings a lab up. */
    static BlackholeLab up(String prefix) throws Exception {
        Peers.require("ip", "iproute2");
        Peers.require("nft", "nftables");
        Peers.require("python3", "python3");
        if (!"0".equals(Peers.run(5, "id", "-u").output().trim())) {
            fail("the PMTU lab needs root (network namespaces): run the tests as root, as CI does");
        }
        Path dir = Path.of("").toAbsolutePath();
        Path script = null;
        for (int i = 0; i < 6 && dir != null && script == null; i++, dir = dir.getParent()) {
            Path candidate = dir.resolve("shared/lab/pmtud-blackhole");
            if (Files.isExecutable(candidate)) {
                script = candidate;
            }
        }
        if (script == null) {
            fail("shared/lab/pmtud-blackhole not found above " + Path.of("").toAbsolutePath()
                    + " (the project's shared/ folder sits beside the checkout)");
        }
        BlackholeLab lab = new BlackholeLab(script.toString(), prefix);
        Peers.Result result = lab.lab(60, "up");
        if (result.exitCode() != 0) {
            lab.close();
            fail("the PMTU lab did not come up: " + result.output());
        }
        return lab;
    }

    /** Runs a lab command with this run's prefix. */
    Peers.Result lab(long timeoutSeconds, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("env", "PMTUD_LAB_PREFIX=" + prefix, script));
        command.addAll(List.of(args));
        return Peers.run(timeoutSeconds, command.toArray(String[]::new));
    }

    /** A command line that runs {@code command} in one of the lab's namespaces. */
    List<String> inNamespace(String role, String... command) {
        List<String> line = new ArrayList<>(List.of(Peers.require("ip", "iproute2"), "netns", "exec",
                prefix + "-" + role));
        line.addAll(List.of(command));
        return line;
    }

    /**
     * Lowers the tunnel hop's MTU after the lab is up. The lab script cannot build a hop below 1280 itself
     * (IPv6 needs 1280, and it configures IPv6 on every link); below 1280 the hop carries IPv4 only.
     */
    void lowerTunnelMtu(int mtu) throws Exception {
        for (String role : List.of("router", "tunnel")) {
            Peers.Result result = Peers.run(10, Peers.require("ip", "iproute2"), "-n", prefix + "-" + role, "link",
                    "set", "tnl0", "mtu", Integer.toString(mtu));
            if (result.exitCode() != 0) {
                fail("cannot set the tunnel MTU to " + mtu + ": " + result.output());
            }
        }
    }

    @Override
    public void close() throws Exception {
        lab(60, "down");
    }
}
