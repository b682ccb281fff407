package dev.tern.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollTcpInfo;
import io.netty.handler.stream.ChunkedInput;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.WriteTimeoutException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.tern.server.query.MessageStream;
import dev.tern.server.query.QueryHandler;
import dev.tern.server.query.TcpResponse;

/**
 * Answers the messages of one TCP connection in the order they arrive (RFC 7766 6.2.1: several per connection);
 * closes the connection when it stays idle or sends a message that cannot be answered. A transfer-out is written
 * message by message as the socket takes them ({@link ChunkedInput}); meanwhile reading pauses, so pipelined
 * queries are answered after it, and the idle timeout does not apply (the write timeout does).
 *
 * <p>Backpressure: answers wait in memory only up to the channel's write-buffer high water mark. Past it the
 * connection is not writable, reading pauses, and the queries already read are kept (owed) until the client has read
 * enough for the channel to be writable again; then they are answered, in order, and reading resumes. So a client
 * that pipelines queries and never reads costs at most the water mark plus what one read brought in, and it is
 * closed by the idle timeout, since nothing more is read from it. Owing more than {@link #MAX_OWED_BYTES} of queries
 * (reads went on despite the pause) closes the connection.
 * <pre>
 *   reading --(not writable | transfer starts)--> paused: queries read are owed
 *   paused  --(writable again, no transfer)-----> answer the owed queries while writable --(all answered)--> reading
 *   paused  --(idle timeout, no transfer | owed > MAX_OWED_BYTES)--> closed
 * </pre>
 */
final class TcpHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger logger = LoggerFactory.getLogger(TcpHandler.class);

    /**
     * Queries kept while paused: two reads' worth (Netty reads at most 64 KiB at a time, and one partial message of
     * up to 64 KiB may be completed by it) with room to spare. Reaching it means reading did not pause.
     */
    static final int MAX_OWED_BYTES = 256 * 1024;

    private final QueryHandler queries;
    private final int writeTimeoutSeconds;
    private final TcpCloses closes;
    private final ArrayDeque<byte[]> owed = new ArrayDeque<>();
    private int owedBytes;
    private boolean draining;
    private MessageStream streaming;

    TcpHandler(QueryHandler queries, int writeTimeoutSeconds, TcpCloses closes) {
        this.queries = queries;
        this.writeTimeoutSeconds = writeTimeoutSeconds;
        this.closes = closes;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        if (!ctx.channel().isActive()) {
            return; // closed while earlier messages of the same read were answered: drop the rest
        }
        byte[] wire = ByteBufUtil.getBytes(frame);
        if (streaming != null || !owed.isEmpty() || !ctx.channel().isWritable()) {
            owe(ctx, wire);
        } else {
            answer(ctx, wire);
        }
    }

    private void answer(ChannelHandlerContext ctx, byte[] wire) {
        SocketAddress remote = ctx.channel().remoteAddress();
        InetSocketAddress client = remote instanceof InetSocketAddress ? (InetSocketAddress) remote : null;
        TcpResponse response = queries.handleTcp(wire, client);
        if (response instanceof TcpResponse.Single single) {
            ctx.write(Unpooled.wrappedBuffer(single.wire()));
            if (!ctx.channel().isWritable()) {
                // Over the high water mark before the end of the read: hand the kernel what it takes, so that only
                // a client that really does not read makes us pause.
                ctx.flush();
            }
        } else if (response instanceof TcpResponse.Stream stream) {
            stream(ctx, stream.stream());
        } else {
            ctx.close();
        }
    }

    private void owe(ChannelHandlerContext ctx, byte[] wire) {
        ctx.channel().config().setAutoRead(false);
        owed.add(wire);
        owedBytes += wire.length;
        if (owedBytes > MAX_OWED_BYTES) {
            closes.closed(TcpCloses.Reason.NOT_READING, ctx.channel().remoteAddress());
            owed.clear();
            owedBytes = 0;
            ctx.close();
        }
    }

    /** Answers owed queries while the channel takes them, then reads again once none is left. */
    private void resume(ChannelHandlerContext ctx) {
        if (draining) {
            return;
        }
        draining = true;
        try {
            while (streaming == null && !owed.isEmpty() && ctx.channel().isWritable() && ctx.channel().isActive()) {
                byte[] wire = owed.poll();
                owedBytes -= wire.length;
                answer(ctx, wire);
            }
        } finally {
            draining = false;
        }
        ctx.flush();
        if (streaming == null && owed.isEmpty() && ctx.channel().isWritable() && ctx.channel().isActive()) {
            ctx.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (ctx.channel().isWritable()) {
            resume(ctx);
        } else {
            ctx.channel().config().setAutoRead(false);
        }
        super.channelWritabilityChanged(ctx);
    }

    /** Queries read but not answered yet, in bytes; for tests. */
    int owedBytes() {
        return owedBytes;
    }

    private void stream(ChannelHandlerContext ctx, MessageStream stream) {
        streaming = stream;
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(new Messages(stream)).addListener(future -> {
            streaming = null;
            if (future.isSuccess()) {
                stream.finished();
                resume(ctx);
            } else {
                stream.abandoned(reason(future.cause()), tcpInfo(ctx));
                ctx.close();
            }
        });
    }

    private String reason(Throwable cause) {
        if (cause instanceof WriteTimeoutException) {
            return "no progress for " + writeTimeoutSeconds + " s (xfr-out-write-timeout): the client stopped"
                    + " reading, or the path drops our segments (a path-MTU blackhole if snd_mss is above what the"
                    + " path carries; tcp-mss caps it)";
        }
        return cause == null ? "closed" : "connection closed: " + cause.getMessage();
    }

    private static String tcpInfo(ChannelHandlerContext ctx) {
        if (!(ctx.channel() instanceof EpollSocketChannel) || !ctx.channel().isOpen()) {
            return "";
        }
        try {
            EpollTcpInfo info = ((EpollSocketChannel) ctx.channel()).tcpInfo();
            return "tcp_info snd_mss " + info.sndMss() + ", pmtu " + info.pmtu() + ", retransmits "
                    + info.retransmits() + ", total retrans " + info.totalRetrans() + ", unacked " + info.unacked();
        } catch (RuntimeException e) {
            return "";
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        MessageStream stream = streaming;
        if (stream != null) {
            stream.abandoned("the client closed the connection", "");
        }
        owed.clear();
        owedBytes = 0;
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            if (streaming == null) {
                if (!owed.isEmpty() || !ctx.channel().isWritable()) {
                    closes.closed(TcpCloses.Reason.NOT_READING, ctx.channel().remoteAddress());
                }
                ctx.close();
            }
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        MessageStream stream = streaming;
        if (stream != null) {
            stream.abandoned(reason(cause), tcpInfo(ctx));
        } else if (!(cause instanceof IOException)) {
            logger.debug("TCP {}: {}", ctx.channel().remoteAddress(), cause.toString());
        }
        ctx.close();
    }

    /** A stream of DNS messages as Netty chunks; the length prefix is added further down the pipeline. */
    private static final class Messages implements ChunkedInput<ByteBuf> {
        private final MessageStream stream;
        private byte[] next;
        private long progress;

        Messages(MessageStream stream) {
            this.stream = stream;
        }

        @Override
        public boolean isEndOfInput() {
            if (next == null) {
                next = stream.next();
            }
            return next == null;
        }

        @Override
        public ByteBuf readChunk(ByteBufAllocator allocator) {
            if (isEndOfInput()) {
                return null;
            }
            byte[] wire = next;
            next = null;
            progress++;
            return Unpooled.wrappedBuffer(wire);
        }

        @Override
        @Deprecated
        public ByteBuf readChunk(ChannelHandlerContext ctx) {
            return readChunk(ctx.alloc());
        }

        @Override
        public long length() {
            return -1;
        }

        @Override
        public long progress() {
            return progress;
        }

        @Override
        public void close() {
            // nothing held: the stream reads immutable snapshots
        }
    }
}
