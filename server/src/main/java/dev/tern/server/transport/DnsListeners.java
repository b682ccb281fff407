package dev.tern.server.transport;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.tern.server.query.QueryHandler;

/**
 * The UDP and TCP listeners on every configured address. With epoll, each address gets one UDP socket per event
 * loop (SO_REUSEPORT), so the kernel spreads queries over the cores; TCP listening sockets get TCP_MAXSEG before
 * {@code listen()}, so accepted connections inherit it (set later it is too late: the SYN-ACK has gone).
 */
public final class DnsListeners implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(DnsListeners.class);
    private static final int MAX_TCP_MESSAGE = 65535;

    private final ListenerSettings settings;
    private final QueryHandler queries;
    private final Transport transport = Transport.best();
    private final EventLoopGroup acceptGroup;
    private final EventLoopGroup ioGroup;
    private final ConnectionLimit connectionLimit;
    private final List<Channel> channels = new ArrayList<>();
    private int port;

    public DnsListeners(ListenerSettings settings, QueryHandler queries) {
        this.settings = requireNonNull(settings, "settings");
        this.queries = requireNonNull(queries, "queries");
        this.acceptGroup = transport.newGroup(1, "dns-accept");
        this.ioGroup = transport.newGroup(settings.threads(), "dns-io");
        this.connectionLimit = new ConnectionLimit(settings.maxTcpConnections());
    }

    /** Binds every listener; throws when an address cannot be bound. Returns the port bound. */
    public int start() throws InterruptedException {
        if (transport == Transport.NIO) {
            logger.warn("epoll is not available ({}); using NIO: one UDP socket per address, no TCP_MAXSEG",
                    Transport.epollUnavailability());
        }
        port = settings.port();
        for (InetAddress address : settings.addresses()) {
            InetSocketAddress local = new InetSocketAddress(address, port);
            Channel tcp = bindTcp(local);
            port = ((InetSocketAddress) tcp.localAddress()).getPort();
            bindUdp(new InetSocketAddress(address, port));
            logger.info("listening on {} port {} (UDP x{}, TCP, {})", NetUtil.toAddressString(address), port,
                    transport == Transport.EPOLL ? settings.threads() : 1,
                    settings.tcpMss() > 0 && transport == Transport.EPOLL ? "tcp-mss " + settings.tcpMss()
                            : "kernel mss");
        }
        return port;
    }

    public int port() {
        return port;
    }

    private Channel bindTcp(InetSocketAddress local) throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptGroup, ioGroup)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(
                                connectionLimit,
                                new IdleStateHandler(settings.tcpIdleTimeoutSeconds(), 0, 0, TimeUnit.SECONDS),
                                new LengthFieldBasedFrameDecoder(MAX_TCP_MESSAGE + 2, 0, 2, 0, 2),
                                new LengthFieldPrepender(2),
                                new TcpHandler(queries));
                    }
                });
        if (transport == Transport.EPOLL && settings.tcpMss() > 0) {
            bootstrap.option(Transport.TCP_MAXSEG, settings.tcpMss());
        }
        Channel channel = bootstrap.bind(local).sync().channel();
        channels.add(channel);
        return channel;
    }

    private void bindUdp(InetSocketAddress local) throws InterruptedException {
        int sockets = transport == Transport.EPOLL ? settings.threads() : 1;
        UdpHandler handler = new UdpHandler(queries);
        for (int i = 0; i < sockets; i++) {
            Bootstrap bootstrap = new Bootstrap()
                    .group(ioGroup)
                    .channel(transport.datagramChannel())
                    .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
                    .option(ChannelOption.SO_SNDBUF, 4 * 1024 * 1024)
                    .handler(handler);
            if (transport == Transport.EPOLL) {
                bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
                // RFC 9715: answers never depend on fragmentation or on learned path MTUs.
                if (local.getAddress() instanceof Inet4Address) {
                    bootstrap.option(Transport.IP_MTU_DISCOVER, Transport.PMTUDISC_OMIT);
                } else {
                    bootstrap.option(Transport.IPV6_MTU_DISCOVER, Transport.PMTUDISC_OMIT);
                }
            }
            channels.add(bootstrap.bind(local).sync().channel());
        }
    }

    @Override
    public void close() {
        for (Channel channel : channels) {
            channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
