package dev.tern.server.xfr;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.handler.codec.LengthFieldPrepender;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import dev.tern.server.rdata.RecordTypes;
import dev.tern.server.transport.Transport;

/**
 * Runs AXFR and IXFR transfers over TCP with Netty, so that the socket options a secondary behind a small-MTU
 * tunnel needs can be set: TCP_MAXSEG before {@code connect()} (the MSS in our SYN bounds every segment the
 * primary sends), the source address, and a connect timeout. One small event-loop group serves all transfers.
 */
public final class XfrClient implements AutoCloseable {
    static {
        // Transferred records are parsed from the wire.
        RecordTypes.register();
    }

    private final Transport transport = Transport.best();
    private final EventLoopGroup group = transport.newGroup(1, "xfr-io");

    /** Starts a transfer; the future completes with its result, never exceptionally. */
    public CompletableFuture<TransferResult> transfer(TransferRequest request) {
        return transfer(request, null);
    }

    /**
     * Starts a transfer that hands the records of a whole-zone answer to {@code sink} in batches while they arrive
     * (null: all of them in the result); the future completes with its result, never exceptionally.
     */
    public CompletableFuture<TransferResult> transfer(TransferRequest request, AxfrSink sink) {
        CompletableFuture<TransferResult> result = new CompletableFuture<>();
        XfrHandler handler = new XfrHandler(request, result, sink);
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(transport == Transport.EPOLL ? EpollSocketChannel.class : NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) request.connectTimeout().toMillis())
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        channel.pipeline().addLast(
                                handler.progress(),
                                new LengthFieldBasedFrameDecoder(65535 + 2, 0, 2, 0, 2),
                                new LengthFieldPrepender(2),
                                handler);
                    }
                });
        if (request.mss() > 0 && Epoll.isAvailable()) {
            // Before connect(): set on an established socket it changes nothing the primary sees.
            bootstrap.option(Transport.TCP_MAXSEG, request.mss());
        }
        InetSocketAddress local = request.source() == null ? null : new InetSocketAddress(request.source(), 0);
        ChannelFuture connect = local == null ? bootstrap.connect(request.primary())
                : bootstrap.connect(request.primary(), local);
        connect.addListener(future -> {
            if (!future.isSuccess()) {
                handler.connectFailed(future.cause());
            }
        });
        return result;
    }

    /** Whether transfers can set TCP_MAXSEG here (epoll); with NIO the kernel chooses. */
    public boolean canClampMss() {
        return transport == Transport.EPOLL;
    }

    static boolean isRefused(Throwable cause) {
        return cause instanceof ConnectException && !(cause instanceof io.netty.channel.ConnectTimeoutException)
                && String.valueOf(cause.getMessage()).toLowerCase(java.util.Locale.ROOT).contains("refused");
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
