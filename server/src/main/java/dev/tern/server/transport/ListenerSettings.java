package dev.tern.server.transport;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.List;
import dev.tern.config.Settings;
import dev.tern.config.TernConfig;

/**
 * What the DNS listeners need from the configuration.
 *
 * @param port 0 picks a free port (the same one for every address, UDP and TCP), for tests
 * @param threads UDP event loops, each with its own UDP socket per address where SO_REUSEPORT is available; as many
 *     again serve TCP connections
 * @param maxTcpConnectionsPerClient 0 means no limit per client
 * @param tcpMessageTimeoutSeconds how long a TCP message may take to arrive whole, from its first byte
 * @param xfrOutWriteTimeoutSeconds how long a write may wait for the client to read before the connection is closed
 */
public record ListenerSettings(List<InetAddress> addresses, int port, int threads, int tcpMss, int maxTcpConnections,
                               int maxTcpConnectionsPerClient, int tcpIdleTimeoutSeconds, int tcpMessageTimeoutSeconds,
                               int xfrOutWriteTimeoutSeconds) {
    public ListenerSettings {
        addresses = List.copyOf(requireNonNull(addresses, "addresses"));
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("local-address: empty (expected: at least one address)");
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads: " + threads + " (expected: >= 1)");
        }
    }

    public static ListenerSettings from(TernConfig config) {
        int threads = config.get(Settings.RECEIVER_THREADS);
        if (threads == 0) {
            threads = Runtime.getRuntime().availableProcessors();
        }
        return new ListenerSettings(config.get(Settings.LOCAL_ADDRESS), config.get(Settings.LOCAL_PORT), threads,
                config.get(Settings.TCP_MSS), config.get(Settings.MAX_TCP_CONNECTIONS),
                config.get(Settings.MAX_TCP_CONNECTIONS_PER_CLIENT), config.get(Settings.TCP_IDLE_TIMEOUT),
                config.get(Settings.TCP_MESSAGE_TIMEOUT), config.get(Settings.XFR_OUT_WRITE_TIMEOUT));
    }
}
