package dev.tern.server.secondary;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import io.netty.util.NetUtil;

/**
 * A primary of a secondary zone: an address and port. Parsed from PowerDNS's {@code domains.master} column
 * ({@code ../shared/reference/powerdns.md} 1.2): items separated by spaces, commas or tabs, each {@code ip},
 * {@code ip:port}, {@code v6} or {@code [v6]:port}; names are never resolved.
 */
public record Primary(InetSocketAddress address) {
    public static final int DEFAULT_PORT = 53;

    /** Parses one item; throws IllegalArgumentException with what was expected. */
    public static Primary parse(String item) {
        String text = item.trim();
        String host = text;
        int port = DEFAULT_PORT;
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + item + "' (expected: [v6-address]:port)");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (rest.startsWith(":")) {
                port = port(rest.substring(1), item);
            } else if (!rest.isEmpty()) {
                throw new IllegalArgumentException("'" + item + "' (expected: [v6-address]:port)");
            }
        } else if (text.indexOf(':') >= 0 && text.indexOf(':') == text.lastIndexOf(':')) {
            host = text.substring(0, text.indexOf(':'));
            port = port(text.substring(text.indexOf(':') + 1), item);
        }
        byte[] bytes = NetUtil.createByteArrayFromIpAddressString(host);
        if (bytes == null) {
            throw new IllegalArgumentException("'" + item + "' is not an IP address (expected: ip, ip:port or"
                    + " [v6]:port; names are not resolved)");
        }
        try {
            return new Primary(new InetSocketAddress(InetAddress.getByAddress(bytes), port));
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("'" + item + "' is not an IP address");
        }
    }

    /** Parses the whole column; bad items are returned in {@code problems} and skipped, as PowerDNS does. */
    public static List<Primary> parseList(String column, List<String> problems) {
        List<Primary> primaries = new ArrayList<>();
        if (column == null) {
            return primaries;
        }
        for (String item : column.split("[ ,\t]+")) {
            if (item.isEmpty()) {
                continue;
            }
            try {
                primaries.add(parse(item));
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        return primaries;
    }

    /** As PowerDNS writes the column: {@code :53} omitted, IPv6 with a port in brackets. */
    public static String toColumn(List<Primary> primaries) {
        List<String> items = new ArrayList<>();
        for (Primary primary : primaries) {
            items.add(primary.toString());
        }
        return String.join(", ", items);
    }

    private static int port(String text, String item) {
        try {
            int port = Integer.parseInt(text);
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + item + "': port '" + text + "' (expected: 1 to 65535)");
        }
    }

    @Override
    public String toString() {
        String host = NetUtil.toAddressString(address.getAddress());
        if (address.getPort() == DEFAULT_PORT) {
            return host;
        }
        return host.contains(":") ? "[" + host + "]:" + address.getPort() : host + ":" + address.getPort();
    }
}
