package dev.tern.server;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The service manager's notification protocol (sd_notify(3)): one datagram of {@code KEY=VALUE} lines sent to the
 * Unix socket named by {@code $NOTIFY_SOCKET}. Under {@code Type=notify}, systemd counts ternd as started only
 * when it sends {@code READY=1}, so {@code systemctl start} returns once queries are answered.
 */
final class SystemdNotify {
    private static final Logger logger = LoggerFactory.getLogger(SystemdNotify.class);

    private final String socket;

    SystemdNotify(String socket) {
        requireNonNull(socket, "socket");
        if (socket.isEmpty()) {
            throw new IllegalArgumentException("socket: '' (expected: a path, or @name for the abstract namespace)");
        }
        this.socket = socket;
    }

    /** The notifier systemd set up for this process, or none when it was not started by systemd with Type=notify. */
    static Optional<SystemdNotify> fromEnvironment() {
        String socket = System.getenv("NOTIFY_SOCKET");
        return socket == null || socket.isEmpty() ? Optional.empty() : Optional.of(new SystemdNotify(socket));
    }

    /** Sends {@code state} when systemd asked for it; a failure is logged, since it decides nothing here. */
    static void tell(String state) {
        fromEnvironment().ifPresent(notifier -> {
            try {
                notifier.send(state);
            } catch (IOException e) {
                logger.error("cannot tell systemd '{}' on NOTIFY_SOCKET {}: {}; with Type=notify systemd stops ternd "
                        + "when TimeoutStartSec runs out (use Type=exec in a drop-in if this persists)",
                        state.replace('\n', ' '), notifier.socket, e.getMessage());
            }
        });
    }

    /** Sends one datagram of state lines, such as {@code READY=1\nSTATUS=...}. */
    void send(String state) throws IOException {
        if (socket.startsWith("vsock:")) {
            throw new IOException("AF_VSOCK notification sockets are not supported");
        }
        if (!Epoll.isAvailable()) {
            throw new IOException("Unix datagram sockets need Netty's native epoll transport, which did not load: "
                    + Epoll.unavailabilityCause());
        }
        // sd_notify(3): a leading '@' names a socket in the abstract namespace, which the kernel spells with a NUL.
        String path = socket.startsWith("@") ? "\0" + socket.substring(1) : socket;
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("systemd-notify", true),
                EpollIoHandler.newFactory());
        try {
            // A connected datagram socket, as sd_notify(3) uses; connect fails at once when nobody listens.
            ChannelFuture connected = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                    .handler(new ChannelInboundHandlerAdapter()).connect(new DomainSocketAddress(path)).await();
            if (!connected.isSuccess()) {
                throw new IOException("cannot connect: " + connected.cause(), connected.cause());
            }
            Channel channel = connected.channel();
            try {
                ChannelFuture sent = channel.writeAndFlush(Unpooled.copiedBuffer(state, StandardCharsets.UTF_8))
                        .await();
                if (!sent.isSuccess()) {
                    throw new IOException("cannot send: " + sent.cause(), sent.cause());
                }
            } finally {
                channel.close().await();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while notifying systemd", e);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        }
    }

    @Override
    public String toString() {
        return "SystemdNotify[" + socket + "]";
    }
}
