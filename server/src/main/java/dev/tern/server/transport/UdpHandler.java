package dev.tern.server.transport;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.tern.server.query.QueryHandler;

/** Answers UDP queries on the event loop: decode, answer from the snapshot, encode, write. */
@Sharable
final class UdpHandler extends SimpleChannelInboundHandler<DatagramPacket> {
    private static final Logger logger = LoggerFactory.getLogger(UdpHandler.class);

    private final QueryHandler queries;

    UdpHandler(QueryHandler queries) {
        this.queries = queries;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        ByteBuf content = packet.content();
        byte[] wire = ByteBufUtil.getBytes(content);
        byte[] response = queries.handle(wire, false, packet.sender().getAddress());
        if (response != null) {
            ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(response), packet.sender(),
                    packet.recipient()));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        logger.debug("UDP {}: {}", ctx.channel().localAddress(), cause.toString());
    }
}
