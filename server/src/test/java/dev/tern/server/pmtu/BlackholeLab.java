package dev.tern.server.pmtu;

import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import dev.tern.server.testing.Peers;

/**
 * The project's PMTUD blackhole lab ({@code server/src/test/lab/blackhole-lab}): a primary, two routers with an
 * MTU-1280 hop that drop ICMP "fragmentation needed" and "packet too big", and a secondary, each in a network
 * namespace of this run's own prefix. Addresses are 198.18.0.0/15; no namespace has a default route, so nothing
 * leaves the lab.
 */
final class BlackholeLab implements AutoCloseable {
    static final String PRIMARY_V4 = "198.18.1.2";
    static final String SECONDARY_V4 = "198.18.3.2";
    /** Where the script is, from the server module (where Maven runs the tests) or from the checkout's root. */
    private static final List<String> SCRIPT = List.of("src/test/lab/blackhole-lab",
            "server/src/test/lab/blackhole-lab");

    private final String bash;
    private final Path script;
    private final String prefix;

    private BlackholeLab(String bash, Path script, String prefix) {
        this.bash = bash;
        this.script = script;
        this.prefix = prefix;
    }

    /** Brings up a lab whose namespaces are named {@code prefix-<role>}. */
    static BlackholeLab up(String prefix) throws Exception {
        Peers.require("ip", "iproute2");
        Peers.require("nft", "nftables");
        Peers.require("timeout", "coreutils");
        if (!"0".equals(Peers.run(5, "id", "-u").output().trim())) {
            fail("the PMTU lab needs root (network namespaces): run the tests as root, as CI does");
        }
        Path here = Path.of("").toAbsolutePath();
        Path script = SCRIPT.stream().map(here::resolve).filter(Files::isRegularFile).findFirst()
                .orElseGet(() -> fail("the lab script " + SCRIPT + " is not below " + here));
        // Run by bash, so a checkout that lost the executable bit still works.
        BlackholeLab lab = new BlackholeLab(Peers.require("bash", "bash"), script, prefix);
        Peers.Result result = lab.lab(60, "up");
        if (result.exitCode() != 0) {
            lab.close();
            fail("the PMTU lab did not come up: " + result.output());
        }
        return lab;
    }

    /** Runs a lab command with this run's prefix. */
    Peers.Result lab(long timeoutSeconds, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("env", "TERN_LAB_PREFIX=" + prefix, bash, script.toString()));
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
     * Sets the tunnel hop's MTU after the lab is up. Below 1280 the kernel drops the hop's IPv6 configuration, so
     * it carries IPv4 only; back at 1280 or more the lab restores the hop's IPv6 addresses and routes.
     */
    void lowerTunnelMtu(int mtu) throws Exception {
        Peers.Result result = lab(20, "tunnel-mtu", Integer.toString(mtu));
        if (result.exitCode() != 0) {
            fail("cannot set the tunnel MTU to " + mtu + ": " + result.output());
        }
    }

    @Override
    public void close() throws Exception {
        Peers.Result result = lab(60, "down");
        if (result.exitCode() != 0) {
            fail("the PMTU lab " + prefix + " was not torn down: " + result.output());
        }
    }
}
