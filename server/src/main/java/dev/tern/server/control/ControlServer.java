package dev.tern.server.control;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.tern.control.protocol.ControlRequest;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;

/**
 * The Unix control socket: PowerDNS's framing (one line in, raw reply, close), mode 0660 and an optional group. A
 * stale socket left by a dead daemon is replaced; a live one stops this daemon from starting.
 *
 * <p>Connections live on one Netty event loop ({@code control-io}; epoll domain sockets, NIO without epoll), so an
 * open connection costs a file descriptor and a few bytes, not a thread. A client has {@code timeout} from connecting
 * to send its command line, and again {@code timeout} to take the reply; then it is closed. Only a complete line goes
 * to the {@code control-worker} pool, which runs the command (some wait, as {@code retrieve-wait}); the reply is
 * written back on the event loop.
 *
 * <pre>
 *  accept --(over MAX_CONNECTIONS)--&gt; "Error: too many control clients", close
 *    |
 *  READING --(timeout, or EOF with nothing)--&gt; close
 *    |  \--(line over MAX_LINE)--&gt; "Error: command line longer than ...", close
 *    | newline, or EOF after some bytes
 *  RUNNING (control-worker)
 *    |
 *  WRITING --(timeout)--&gt; close
 *    | written
 *  close
 * </pre>
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(ControlServer.class);
    /** The default of {@code control-socket-timeout}. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    /** Connections waiting to be accepted; the event loop accepts them as they come, so this only absorbs bursts. */
    static final int BACKLOG = 512;
    /** Connections open at once; more are told to try again. Each is a file descriptor for at most 2 timeouts. */
    static final int MAX_CONNECTIONS = 1024;
    /** Commands running at once; the rest wait in line (never more than the connections). */
    private static final int WORKERS = 16;
    private static final String TOO_MANY = "Error: too many control clients at once; try again";

    private final Path path;
    private final CommandRegistry registry;
    private final long timeoutNanos;
    private final EventLoopGroup loop;
    private final ThreadPoolExecutor workers;
    private final AtomicInteger open = new AtomicInteger();
    private Channel server;

    private ControlServer(Path path, CommandRegistry registry, Duration timeout, EventLoopGroup loop) {
        this.path = path;
        this.registry = registry;
        this.timeoutNanos = timeout.toNanos();
        this.loop = loop;
        this.workers = new ThreadPoolExecutor(WORKERS, WORKERS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(MAX_CONNECTIONS), new DefaultThreadFactory("control-worker", true),
                new ThreadPoolExecutor.AbortPolicy());
        this.workers.allowCoreThreadTimeOut(true);
    }

    /** Binds the socket with the default timeout; see {@link #start(Path, String, CommandRegistry, Duration)}. */
    public static ControlServer start(Path path, String group, CommandRegistry registry) throws IOException {
        return start(path, group, registry, DEFAULT_TIMEOUT);
    }

    /**
     * Binds the socket and starts accepting; throws when another daemon is live on it.
     *
     * @param timeout how long a client may take to send its command line, and again to read the reply
     */
    public static ControlServer start(Path path, String group, CommandRegistry registry, Duration timeout)
            throws IOException {
        requireNonNull(path, "path");
        requireNonNull(registry, "registry");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
        }
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        if (Files.exists(path)) {
            if (isLive(path)) {
                throw new IOException("another ternd is running on control socket " + path
                        + " (stop it first, or set socket-dir to another directory)");
            }
            Files.delete(path);
            logger.info("control socket {}: replaced a stale socket left by a daemon that is gone", path);
        }
        boolean epoll = Epoll.isAvailable();
        EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("control-io", true),
                epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
        ControlServer control = new ControlServer(path, registry, timeout, loop);
        try {
            control.bind(epoll);
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
            if (group != null && !group.isEmpty()) {
                GroupPrincipal principal = path.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByGroupName(group);
                Files.getFileAttributeView(path, java.nio.file.attribute.PosixFileAttributeView.class)
                        .setGroup(principal);
            }
        } catch (IOException | UnsupportedOperationException e) {
            control.close();
            throw new IOException("control socket " + path + ": cannot set mode 0660 and group '" + group + "': "
                    + e.getMessage(), e);
        } catch (RuntimeException e) {
            control.close();
            throw e;
        }
        logger.info("control socket {} ready", path);
        return control;
    }

    private void bind(boolean epoll) throws IOException {
        Class<? extends ServerChannel> type = epoll ? EpollServerDomainSocketChannel.class
                : NioServerDomainSocketChannel.class;
        SocketAddress address = epoll ? new DomainSocketAddress(path.toString()) : UnixDomainSocketAddress.of(path);
        ServerBootstrap bootstrap = new ServerBootstrap().group(loop).channel(type)
                .option(ChannelOption.SO_BACKLOG, BACKLOG)
                // A client may shut down its side after the line (EOF ends the line, as in PowerDNS) and still read.
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        channel.pipeline().addLast(new Connection());
                    }
                });
        try {
            server = bootstrap.bind(address).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            throw new IOException("control socket " + path + ": cannot listen: " + e.getMessage(), e);
        }
    }

    private static boolean isLive(Path path) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public Path path() {
        return path;
    }

    /** Control connections open now. */
    int openConnections() {
        return open.get();
    }

    /** Runs one command line on a worker thread. */
    private String run(String line) {
        ControlRequest request = ControlRequest.parse(line);
        String reply = registry.execute(request);
        if (logger.isDebugEnabled()) {
            int end = reply.indexOf('\n');
            logger.debug("control: '{}' answered '{}'", request.line(),
                    end < 0 ? reply : reply.substring(0, end) + " ...");
        }
        return reply;
    }

    /** One client, from accept to close; every method runs on the event loop. */
    private final class Connection extends ChannelInboundHandlerAdapter {
        private ByteBuf line;
        private ScheduledFuture<?> deadline;
        private boolean reading;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            if (open.incrementAndGet() > MAX_CONNECTIONS) {
                replyAndClose(ctx, TOO_MANY);
                return;
            }
            reading = true;
            line = ctx.alloc().buffer(128);
            deadline = ctx.executor().schedule(() -> {
                logger.debug("control client sent no complete command line within {} ms; closed",
                        timeoutNanos / 1_000_000);
                ctx.close();
            }, timeoutNanos, TimeUnit.NANOSECONDS);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf in = (ByteBuf) msg;
            try {
                if (!reading) {
                    return;
                }
                int newline = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n');
                int length = newline < 0 ? in.readableBytes() : newline - in.readerIndex();
                if (line.readableBytes() + length >= ControlRequest.MAX_LINE) {
                    stopReading(ctx);
                    replyAndClose(ctx, "Error: command line longer than " + ControlRequest.MAX_LINE
                            + " bytes; rejected");
                    return;
                }
                line.writeBytes(in, in.readerIndex(), length);
                if (newline >= 0) {
                    dispatch(ctx);
                }
            } finally {
                in.release();
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
            if (event instanceof ChannelInputShutdownEvent) {
                // EOF: what came is the line; nothing at all means the client left.
                if (reading && line.isReadable()) {
                    dispatch(ctx);
                } else if (reading) {
                    ctx.close();
                }
                return;
            }
            ctx.fireUserEventTriggered(event);
        }

        private void dispatch(ChannelHandlerContext ctx) {
            String text = line.toString(StandardCharsets.UTF_8);
            stopReading(ctx);
            try {
                workers.execute(() -> {
                    String reply;
                    try {
                        reply = run(text);
                    } catch (RuntimeException e) {
                        logger.error("control command '{}' failed unexpectedly: {}", text, e.toString());
                        reply = "Error: " + e;
                    }
                    String answer = reply;
                    try {
                        ctx.executor().execute(() -> replyAndClose(ctx, answer));
                    } catch (RejectedExecutionException e) {
                        // the daemon is stopping: the event loop is gone, and the connection with it
                    }
                });
            } catch (RejectedExecutionException e) {
                replyAndClose(ctx, TOO_MANY);
            }
        }

        private void stopReading(ChannelHandlerContext ctx) {
            reading = false;
            ctx.channel().config().setAutoRead(false);
            release();
        }

        /** Writes the reply and closes; a client that does not take it within the timeout is closed anyway. */
        private void replyAndClose(ChannelHandlerContext ctx, String reply) {
            if (!ctx.channel().isActive()) {
                return;
            }
            deadline = ctx.executor().schedule(() -> {
                logger.debug("control client did not read its reply within {} ms; closed", timeoutNanos / 1_000_000);
                ctx.close();
            }, timeoutNanos, TimeUnit.NANOSECONDS);
            ctx.writeAndFlush(Unpooled.wrappedBuffer(reply.getBytes(StandardCharsets.UTF_8)))
                    .addListener(written -> ctx.close());
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            open.decrementAndGet();
            reading = false;
            release();
        }

        private void release() {
            if (deadline != null) {
                deadline.cancel(false);
                deadline = null;
            }
            if (line != null) {
                line.release();
                line = null;
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            logger.debug("control client: {}", cause.toString());
            ctx.close();
        }
    }

    @Override
    public void close() {
        if (server != null) {
            server.close().syncUninterruptibly();
        }
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownNow();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            logger.warn("control socket {}: cannot remove it: {}", path, e.getMessage());
        }
    }
}
