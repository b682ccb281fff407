package dev.tern.config;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The value types a setting can have: how a value is parsed from its text, and what the error
 * message says is expected.
 */
public enum SettingType {
    STRING("text") {
        @Override
        Object parse(String text) {
            return text;
        }
    },
    INTEGER("a whole number") {
        @Override
        Object parse(String text) {
            try {
                return Integer.parseInt(text);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("'" + text + "' is not a whole number");
            }
        }
    },
    BOOLEAN("yes or no") {
        @Override
        Object parse(String text) {
            switch (text.toLowerCase(Locale.ROOT)) {
                case "yes": case "true": case "on": case "1":
                    return Boolean.TRUE;
                case "no": case "false": case "off": case "0": case "":
                    return Boolean.FALSE;
                default:
                    throw new IllegalArgumentException("'" + text + "' is not a boolean");
            }
        }
    },
    /** Comma- or space-separated IP addresses, without names (Tern never resolves names for its own sockets). */
    ADDRESS_LIST("IP addresses separated by commas, e.g. 127.0.0.1, ::1") {
        @Override
        Object parse(String text) {
            List<InetAddress> addresses = new ArrayList<>();
            for (String item : splitList(text)) {
                addresses.add(parseAddress(item));
            }
            return List.copyOf(addresses);
        }
    },
    /** Comma- or space-separated address ranges in CIDR notation; a bare address is a single host. */
    NETMASK_LIST("address ranges separated by commas, e.g. 192.0.2.0/24, 2001:db8::/32") {
        @Override
        Object parse(String text) {
            List<Netmask> masks = new ArrayList<>();
            for (String item : splitList(text)) {
                masks.add(Netmask.parse(item));
            }
            return List.copyOf(masks);
        }
    },
    /** Comma- or space-separated addresses with an optional port: ip, ip:port, [v6]:port (port 53 when absent). */
    SOCKET_LIST("IP addresses with optional ports, e.g. 192.0.2.1, 192.0.2.2:5300, [2001:db8::1]:5300") {
        @Override
        Object parse(String text) {
            List<InetSocketAddress> sockets = new ArrayList<>();
            for (String item : splitList(text)) {
                sockets.add(parseSocket(item));
            }
            return List.copyOf(sockets);
        }
    },
    /** Comma- or space-separated words. */
    LIST("words separated by commas") {
        @Override
        Object parse(String text) {
            return List.copyOf(splitList(text));
        }
    };

    private final String expected;

    SettingType(String expected) {
        this.expected = expected;
    }

    /** What a valid value looks like, for error messages. */
    public String expected() {
        return expected;
    }

    abstract Object parse(String text);

    static List<String> splitList(String text) {
        List<String> items = new ArrayList<>();
        for (String item : text.trim().split("[,\\s]+")) {
            if (!item.isEmpty()) {
                items.add(item);
            }
        }
        return items;
    }

    /** Parses ip, ip:port or [v6]:port; a bare IPv6 address has no port. Never consults a resolver. */
    static InetSocketAddress parseSocket(String item) {
        String host = item;
        int port = 53;
        int colon = item.lastIndexOf(':');
        if (item.startsWith("[") && item.contains("]:")) {
            host = item.substring(0, item.indexOf("]:") + 1);
            port = parsePort(item, item.substring(item.indexOf("]:") + 2));
        } else if (colon > 0 && item.indexOf(':') == colon) {
            host = item.substring(0, colon);
            port = parsePort(item, item.substring(colon + 1));
        }
        return new InetSocketAddress(parseAddress(host), port);
    }

    private static int parsePort(String item, String text) {
        try {
            int port = Integer.parseInt(text);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("'" + item + "' has no valid port (expected: 1..65535)");
    }

    /** Parses a literal IPv4 or IPv6 address; never consults a resolver. */
    static InetAddress parseAddress(String item) {
        String literal = item.startsWith("[") && item.endsWith("]") ? item.substring(1, item.length() - 1) : item;
        boolean looksLiteral = literal.contains(":") || literal.matches("[0-9.]+");
        if (!looksLiteral) {
            throw new IllegalArgumentException("'" + item + "' is not an IP address");
        }
        try {
            return InetAddress.getByName(literal);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + item + "' is not an IP address");
        }
    }
}
