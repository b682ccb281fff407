package dev.tern.server.transport;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.LengthFieldPrepender;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.handler.timeout.WriteTimeoutHandler;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.tern.server.query.QueryHandler;

/**
 * The UDP and TCP listeners on every configured address. UDP sockets are bound per concrete address ({@link
 * UdpSockets}); a wildcard address (0.0.0.0, ::) gets UDP sockets on every address of the host, followed as they
 * come and go ({@link AddressWatcher}), while TCP stays on the wildcard. TCP listening sockets get TCP_MAXSEG before
 * {@code listen()}, so accepted connections inherit it (set later it is too late: the SYN-ACK has gone).
 *
 * <p>UDP and TCP run on separate event loops ({@code dns-io} and {@code dns-tcp}): a flood of TCP work (pipelined
 * queries, slow clients, outgoing transfers) queues behind other TCP work only, and the kernel shares the CPU
 * between the two sets of threads, so UDP keeps answering.
 */
public final class DnsListeners implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(DnsListeners.class);
    /**
     * Bytes of answers a TCP connection may hold in memory before it stops being writable (and read), and the level
     * they must drain to before it is writable again. Netty's defaults, set here so that the bound is visible: an
     * outgoing transfer message is about 16 KiB, so a transfer holds about four.
     */
    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

    private final ListenerSettings settings;
    private final QueryHandler queries;
    private final Transport transport = Transport.best();
    private final EventLoopGroup acceptGroup;
    private final EventLoopGroup ioGroup;
    private final EventLoopGroup tcpGroup;
    private final TcpCloses closes = new TcpCloses();
    private final ConnectionLimit connectionLimit;
    private final List<Channel> channels = new ArrayList<>();
    private final UdpSockets udp;
    private AddressWatcher watcher;
    private int port;

    public DnsListeners(ListenerSettings settings, QueryHandler queries) {
        this.settings = requireNonNull(settings, "settings");
        this.queries = requireNonNull(queries, "queries");
        this.acceptGroup = transport.newGroup(1, "dns-accept");
        this.ioGroup = transport.newGroup(settings.threads(), "dns-io");
        this.tcpGroup = transport.newGroup(settings.threads(), "dns-tcp");
        this.connectionLimit = new ConnectionLimit(settings.maxTcpConnections(), settings.maxTcpConnectionsPerClient(),
                closes);
        this.udp = new UdpSockets(transport, ioGroup, new UdpHandler(queries), settings.threads());
    }

    /** Binds every listener; throws when an address cannot be bound. Returns the port bound. */
    public int start() throws InterruptedException {
        if (transport == Transport.NIO) {
            logger.warn("epoll is not available ({}); using NIO: one UDP socket per address, no TCP_MAXSEG",
                    Transport.epollUnavailability());
        }
        port = settings.port();
        boolean wildcard4 = false;
        boolean wildcard6 = false;
        for (InetAddress address : settings.addresses()) {
            Channel tcp = bindTcp(new InetSocketAddress(address, port), address.isAnyLocalAddress()
                    && address instanceof java.net.Inet6Address);
            port = ((InetSocketAddress) tcp.localAddress()).getPort();
            if (address.isAnyLocalAddress()) {
                wildcard4 |= address instanceof java.net.Inet4Address;
                wildcard6 |= address instanceof java.net.Inet6Address;
                logger.info("listening on {} port {} (TCP, {})", NetUtil.toAddressString(address), port, mss());
                continue;
            }
            udp.bind(address, port);
            logger.info("listening on {} port {} (UDP x{}, TCP, {})", NetUtil.toAddressString(address), port,
                    udp.socketsPerAddress(), mss());
        }
        if (wildcard4 || wildcard6) {
            watcher = new AddressWatcher(udp, wildcard4, wildcard6, port);
            watcher.start();
        }
        return port;
    }

    private String mss() {
        return settings.tcpMss() > 0 && transport == Transport.EPOLL ? "tcp-mss " + settings.tcpMss() : "kernel mss";
    }

    /** TCP connections open now, for the metrics. */
    public int openTcpConnections() {
        return connectionLimit.open();
    }

    public int port() {
        return port;
    }

    private Channel bindTcp(InetSocketAddress local, boolean v6only) throws InterruptedException {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptGroup, tcpGroup)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(
                                connectionLimit,
                                new IdleStateHandler(settings.tcpIdleTimeoutSeconds(), 0, 0, TimeUnit.SECONDS),
                                new TcpMessageDecoder(settings.tcpMessageTimeoutSeconds() * 1000L, closes),
                                new WriteTimeoutHandler(settings.xfrOutWriteTimeoutSeconds()),
                                new LengthFieldPrepender(2),
                                new ChunkedWriteHandler(),
                                new TcpHandler(queries, settings.xfrOutWriteTimeoutSeconds(), closes));
                    }
                });
        if (transport == Transport.EPOLL && settings.tcpMss() > 0) {
            bootstrap.option(Transport.TCP_MAXSEG, settings.tcpMss());
        }
        if (transport == Transport.EPOLL && v6only) {
            // :: takes only IPv6, so that 0.0.0.0 can be bound on the same port too.
            bootstrap.option(Transport.IPV6_V6ONLY, 1);
        }
        Channel channel = bootstrap.bind(local).sync().channel();
        channels.add(channel);
        return channel;
    }

    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        udp.closeAll();
        for (Channel channel : channels) {
            channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        tcpGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
        tcpGroup.terminationFuture().awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
