package dev.tern.server.transport;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The UDP sockets, per local address: with epoll one per event loop (SO_REUSEPORT), so the kernel spreads queries
 * over the cores. Every socket is bound to one concrete address, so an answer leaves from the address the query
 * was sent to (a wildcard socket would let the kernel pick the source, and a client talking to the second address
 * of a host would drop the answer). Sockets ignore path-MTU information (RFC 9715).
 */
final class UdpSockets {
    private final Transport transport;
    private final EventLoopGroup group;
    private final UdpHandler handler;
    private final int socketsPerAddress;
    private final Map<InetAddress, List<Channel>> bound = new ConcurrentHashMap<>();

    UdpSockets(Transport transport, EventLoopGroup group, UdpHandler handler, int socketsPerAddress) {
        this.transport = requireNonNull(transport, "transport");
        this.group = requireNonNull(group, "group");
        this.handler = requireNonNull(handler, "handler");
        this.socketsPerAddress = transport == Transport.EPOLL ? socketsPerAddress : 1;
    }

    int socketsPerAddress() {
        return socketsPerAddress;
    }

    /** Binds the sockets of one address (a no-op when bound already). */
    void bind(InetAddress address, int port) throws InterruptedException {
        if (bound.containsKey(address)) {
            return;
        }
        List<Channel> channels = new ArrayList<>(socketsPerAddress);
        try {
            for (int i = 0; i < socketsPerAddress; i++) {
                channels.add(bootstrap(address).bind(new InetSocketAddress(address, port)).sync().channel());
            }
        } catch (RuntimeException | InterruptedException e) {
            channels.forEach(Channel::close);
            throw e;
        }
        bound.put(address, channels);
    }

    private Bootstrap bootstrap(InetAddress address) {
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(transport.datagramChannel())
                .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
                .option(ChannelOption.SO_SNDBUF, 4 * 1024 * 1024)
                .handler(handler);
        if (transport == Transport.EPOLL) {
            bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
            // RFC 9715: answers never depend on fragmentation or on learned path MTUs.
            if (address instanceof Inet4Address) {
                bootstrap.option(Transport.IP_MTU_DISCOVER, Transport.PMTUDISC_OMIT);
            } else {
                bootstrap.option(Transport.IPV6_MTU_DISCOVER, Transport.PMTUDISC_OMIT);
            }
        }
        return bootstrap;
    }

    /** Closes the sockets of an address that went away. */
    void unbind(InetAddress address) {
        List<Channel> channels = bound.remove(address);
        if (channels != null) {
            for (Channel channel : channels) {
                channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
            }
        }
    }

    Set<InetAddress> addresses() {
        return Set.copyOf(bound.keySet());
    }

    void closeAll() {
        for (InetAddress address : addresses()) {
            unbind(address);
        }
    }

    static String name(InetAddress address) {
        return NetUtil.toAddressString(address);
    }
}
