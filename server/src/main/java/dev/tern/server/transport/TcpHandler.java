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
 */
final class TcpHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger logger = LoggerFactory.getLogger(TcpHandler.class);

    private final QueryHandler queries;
    private final int writeTimeoutSeconds;
    private MessageStream streaming;

    TcpHandler(QueryHandler queries, int writeTimeoutSeconds) {
        this.queries = queries;
        this.writeTimeoutSeconds = writeTimeoutSeconds;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        SocketAddress remote = ctx.channel().remoteAddress();
        InetSocketAddress client = remote instanceof InetSocketAddress ? (InetSocketAddress) remote : null;
        TcpResponse response = queries.handleTcp(ByteBufUtil.getBytes(frame), client);
        if (response instanceof TcpResponse.Single single) {
            ctx.write(Unpooled.wrappedBuffer(single.wire()));
        } else if (response instanceof TcpResponse.Stream stream) {
            stream(ctx, stream.stream());
        } else {
            ctx.close();
        }
    }

    private void stream(ChannelHandlerContext ctx, MessageStream stream) {
        streaming = stream;
        ctx.channel().config().setAutoRead(false);
        ctx.writeAndFlush(new Messages(stream)).addListener(future -> {
            streaming = null;
            if (future.isSuccess()) {
                stream.finished();
                ctx.channel().config().setAutoRead(true);
                ctx.read();
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
        super.channelInactive(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            if (streaming == null) {
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
