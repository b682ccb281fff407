package dev.tern.server.transport;

import static java.util.Objects.requireNonNull;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * For a wildcard {@code local-address} (0.0.0.0, ::): keeps one set of UDP sockets on every address of the host
 * of that family, following changes (a tunnel address that appears after start is answered on within the watch
 * interval). IPv6 link-local addresses are skipped: answering on them needs a scope per interface, and a
 * nameserver is not reached that way. Runs on its own {@code address-watch} thread, never on an event loop.
 */
final class AddressWatcher implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(AddressWatcher.class);
    static final long INTERVAL_MILLIS = 2000;

    private final UdpSockets sockets;
    private final boolean ipv4;
    private final boolean ipv6;
    private final int port;
    private final ScheduledExecutorService thread =
            Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("address-watch", true));

    AddressWatcher(UdpSockets sockets, boolean ipv4, boolean ipv6, int port) {
        this.sockets = requireNonNull(sockets, "sockets");
        this.ipv4 = ipv4;
        this.ipv6 = ipv6;
        this.port = port;
    }

    /** Binds every current address now, then watches. */
    void start() throws InterruptedException {
        sync(true);
        thread.scheduleWithFixedDelay(() -> {
            try {
                sync(false);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                logger.warn("watching local addresses failed, will try again: {}", e.toString());
            }
        }, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void sync(boolean first) throws InterruptedException {
        Set<InetAddress> now = current();
        Set<InetAddress> bound = sockets.addresses();
        for (InetAddress address : now) {
            if (!bound.contains(address)) {
                try {
                    sockets.bind(address, port);
                    logger.info("listening on {} port {} (UDP x{}{})", UdpSockets.name(address), port,
                            sockets.socketsPerAddress(), first ? ", for the wildcard local-address"
                                    : ", an address that appeared");
                } catch (RuntimeException e) {
                    logger.warn("cannot listen on {} port {} (UDP): {}; will try again", UdpSockets.name(address),
                            port, e.getMessage());
                }
            }
        }
        for (InetAddress address : bound) {
            if (!now.contains(address)) {
                sockets.unbind(address);
                logger.info("no longer listening on {} port {} (UDP): the address went away",
                        UdpSockets.name(address), port);
            }
        }
    }

    private Set<InetAddress> current() {
        Set<InetAddress> addresses = new HashSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                if (!nic.isUp()) {
                    continue;
                }
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    if (address instanceof Inet4Address && ipv4) {
                        addresses.add(address);
                    } else if (address instanceof Inet6Address && ipv6 && !address.isLinkLocalAddress()) {
                        // Drop the scope: the address is unique without it.
                        addresses.add(InetAddress.getByAddress(address.getAddress()));
                    }
                }
            }
        } catch (SocketException | java.net.UnknownHostException e) {
            logger.warn("cannot list the local addresses: {}", e.getMessage());
            return sockets.addresses();
        }
        return addresses;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
