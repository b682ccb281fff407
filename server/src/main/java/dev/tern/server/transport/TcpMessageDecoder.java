package dev.tern.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Cuts a TCP stream into DNS messages (RFC 1035 4.2.2: a two-byte length, then the message) and closes the
 * connection when a message has not arrived whole within {@code tcp-message-timeout} of its first byte. The idle
 * timeout alone cannot do this: every byte restarts it, so a client sending one byte every few seconds (slowloris)
 * would hold its connection forever. While reading is paused on our side (an outgoing transfer, answers the client
 * has not read yet), an expired deadline is put off by another period: the wait is not the client's doing.
 */
final class TcpMessageDecoder extends LengthFieldBasedFrameDecoder {
    static final int MAX_MESSAGE = 65535;

    private final long timeoutMillis;
    private final TcpCloses closes;
    private ScheduledFuture<?> deadline;
    private boolean decodedAny;

    TcpMessageDecoder(long timeoutMillis, TcpCloses closes) {
        super(MAX_MESSAGE + 2, 0, 2, 0, 2);
        this.timeoutMillis = timeoutMillis;
        this.closes = closes;
    }

    @Override
    protected Object decode(ChannelHandlerContext ctx, ByteBuf in) throws Exception {
        Object message = super.decode(ctx, in);
        decodedAny |= message != null;
        return message;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        decodedAny = false;
        super.channelRead(ctx, msg);
        if (!internalBuffer().isReadable()) {
            cancel();
        } else if (decodedAny || deadline == null) {
            // What is left began in this read: a new message, with its own deadline.
            cancel();
            arm(ctx);
        }
    }

    private void arm(ChannelHandlerContext ctx) {
        if (ctx.channel().isActive()) {
            deadline = ctx.executor().schedule(() -> expire(ctx), timeoutMillis, TimeUnit.MILLISECONDS);
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        deadline = null;
        if (!internalBuffer().isReadable()) {
            return;
        }
        if (!ctx.channel().config().isAutoRead()) {
            arm(ctx);
            return;
        }
        closes.closed(TcpCloses.Reason.MESSAGE_TIMEOUT, ctx.channel().remoteAddress());
        ctx.close();
    }

    private void cancel() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.channelInactive(ctx);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) throws Exception {
        cancel();
        super.handlerRemoved0(ctx);
    }
}
