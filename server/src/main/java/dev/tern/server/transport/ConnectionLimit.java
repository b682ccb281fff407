package dev.tern.server.transport;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the TCP connections open at once, in all and per client (an IPv4 address, or an IPv6 /64: one host commonly
 * holds a whole /64). A connection over either cap is closed at once (PowerDNS instead stops accepting, which leaves
 * clients waiting in the backlog). Counts on connect and disconnect; one instance for all listeners.
 */
@Sharable
final class ConnectionLimit extends ChannelInboundHandlerAdapter {
    private static final Logger logger = LoggerFactory.getLogger(ConnectionLimit.class);
    private static final AttributeKey<ByteBuffer> CLIENT = AttributeKey.valueOf("tern.tcp.client");

    private final int max;
    private final int maxPerClient;
    private final TcpCloses closes;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<ByteBuffer, Integer> perClient = new ConcurrentHashMap<>();
    private volatile long lastWarning;

    /** {@code maxPerClient} 0 means no limit per client. */
    ConnectionLimit(int max, int maxPerClient, TcpCloses closes) {
        this.max = max;
        this.maxPerClient = maxPerClient;
        this.closes = closes;
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
        ByteBuffer client = client(ctx.channel().remoteAddress());
        if (maxPerClient > 0 && client != null) {
            int count = perClient.merge(client, 1, Integer::sum);
            ctx.channel().attr(CLIENT).set(client);
            if (count > maxPerClient) {
                closes.closed(TcpCloses.Reason.PER_CLIENT_LIMIT, ctx.channel().remoteAddress());
                ctx.close();
                return;
            }
        }
        super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        open.decrementAndGet();
        ByteBuffer client = ctx.channel().attr(CLIENT).getAndSet(null);
        if (client != null) {
            perClient.computeIfPresent(client, (key, count) -> count == 1 ? null : count - 1);
        }
        super.channelInactive(ctx);
    }

    int open() {
        return open.get();
    }

    /** The key a connection is counted under: the IPv4 address, or the first 64 bits of the IPv6 address. */
    static ByteBuffer client(SocketAddress remote) {
        if (!(remote instanceof InetSocketAddress) || ((InetSocketAddress) remote).getAddress() == null) {
            return null;
        }
        InetAddress address = ((InetSocketAddress) remote).getAddress();
        byte[] bytes = address.getAddress();
        return ByteBuffer.wrap(address instanceof Inet6Address ? Arrays.copyOf(bytes, 8) : bytes);
    }
}
