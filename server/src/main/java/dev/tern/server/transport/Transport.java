package dev.tern.server.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The Netty transport in use: epoll on Linux, NIO elsewhere, and the raw socket options Netty has no name for.
 */
public enum Transport {
    EPOLL, NIO;

    /** {@code setsockopt(IPPROTO_TCP, TCP_MAXSEG)}: the MSS advertised in the SYN and the largest segment sent. */
    public static final IntegerUnixChannelOption TCP_MAXSEG = new IntegerUnixChannelOption("TCP_MAXSEG", 6, 2);
    /** {@code setsockopt(IPPROTO_IP, IP_MTU_DISCOVER)}. */
    static final IntegerUnixChannelOption IP_MTU_DISCOVER = new IntegerUnixChannelOption("IP_MTU_DISCOVER", 0, 10);
    /** {@code setsockopt(IPPROTO_IPV6, IPV6_MTU_DISCOVER)}. */
    static final IntegerUnixChannelOption IPV6_MTU_DISCOVER =
            new IntegerUnixChannelOption("IPV6_MTU_DISCOVER", 41, 23);
    /** {@code setsockopt(IPPROTO_IPV6, IPV6_V6ONLY)}. */
    static final IntegerUnixChannelOption IPV6_V6ONLY = new IntegerUnixChannelOption("IPV6_V6ONLY", 41, 26);
    /** IP_PMTUDISC_OMIT: no DF bit, and path-MTU information is ignored (Linux 3.15+). */
    static final int PMTUDISC_OMIT = 5;

    /** Epoll when the native library loads, NIO otherwise. */
    public static Transport best() {
        return Epoll.isAvailable() ? EPOLL : NIO;
    }

    public EventLoopGroup newGroup(int threads, String name) {
        IoHandlerFactory factory = this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory(name, true), factory);
    }

    public Class<? extends DatagramChannel> datagramChannel() {
        return this == EPOLL ? EpollDatagramChannel.class : NioDatagramChannel.class;
    }

    public Class<? extends ServerSocketChannel> serverChannel() {
        return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    }

    /** The cause Netty gives for epoll being unavailable, for the log. */
    public static String epollUnavailability() {
        Throwable cause = Epoll.unavailabilityCause();
        return cause == null ? "available" : cause.toString();
    }

    static boolean isEpoll(Channel channel) {
        return channel instanceof EpollDatagramChannel || channel instanceof EpollServerSocketChannel;
    }
}
