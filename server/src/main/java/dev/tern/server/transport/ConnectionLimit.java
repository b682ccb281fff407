package dev.tern.server.transport;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the TCP connections open at once: one over the limit is closed at once (PowerDNS instead stops accepting,
 * which leaves clients waiting in the backlog). Counts on connect and disconnect; one instance for all listeners.
 */
@Sharable
final class ConnectionLimit extends ChannelInboundHandlerAdapter {
    private static final Logger logger = LoggerFactory.getLogger(ConnectionLimit.class);

    private final int max;
    private final AtomicInteger open = new AtomicInteger();
    private volatile long lastWarning;

    ConnectionLimit(int max) {
        this.max = max;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        if (open.incrementAndGet() > max) {
            long now = System.nanoTime();
            if (now - lastWarning > 60_000_000_000L) {
                lastWarning = now;
                logger.warn("max-tcp-connections ({}) reached: closing new connections; raise it if this is"
                        + " legitimate load", max);
            }
            ctx.close();
            return;
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        open.decrementAndGet();
        super.channelInactive(ctx);
    }

    int open() {
        return open.get();
    }
}
