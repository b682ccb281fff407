package dev.tern.config;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;

/** An address range in CIDR notation ({@code 192.0.2.0/24}, {@code 2001:db8::/32}); a bare address is a /32 or /128. */
public record Netmask(InetAddress network, int prefixLength) {
    public Netmask {
        requireNonNull(network, "network");
        int bits = network.getAddress().length * 8;
        if (prefixLength < 0 || prefixLength > bits) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " (expected: 0 to " + bits + ")");
        }
    }

    /** Parses {@code address[/length]}; never resolves names. */
    public static Netmask parse(String text) {
        int slash = text.indexOf('/');
        InetAddress address = SettingType.parseAddress(slash < 0 ? text : text.substring(0, slash));
        int bits = address.getAddress().length * 8;
        if (slash < 0) {
            return new Netmask(address, bits);
        }
        try {
            return new Netmask(address, Integer.parseInt(text.substring(slash + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' has no valid prefix length");
        }
    }

    /** True when the address lies in this range (an IPv4 range never matches an IPv6 address, and back). */
    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        byte[] n = network.getAddress();
        if (a.length != n.length) {
            return false;
        }
        int full = prefixLength / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != n[i]) {
                return false;
            }
        }
        int rest = prefixLength % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (a[full] & mask) == (n[full] & mask);
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }
}
