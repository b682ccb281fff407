package dev.tern.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.tern.server.query.QueryHandler;

/**
 * Answers the queries of one TCP connection in the order they arrive (RFC 7766 6.2.1: several per connection);
 * closes the connection when it stays idle or sends a message that cannot be answered.
 */
final class TcpHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private static final Logger logger = LoggerFactory.getLogger(TcpHandler.class);

    private final QueryHandler queries;

    TcpHandler(QueryHandler queries) {
        this.queries = queries;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        java.net.SocketAddress remote = ctx.channel().remoteAddress();
        java.net.InetAddress source = remote instanceof java.net.InetSocketAddress
                ? ((java.net.InetSocketAddress) remote).getAddress() : null;
        byte[] response = queries.handle(ByteBufUtil.getBytes(frame), true, source);
        if (response == null) {
            ctx.close();
            return;
        }
        ctx.write(Unpooled.wrappedBuffer(response));
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        ctx.flush();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
        if (event instanceof IdleStateEvent) {
            ctx.close();
            return;
        }
        super.userEventTriggered(ctx, event);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            logger.debug("TCP {}: {}", ctx.channel().remoteAddress(), cause.toString());
        }
        ctx.close();
    }
}
