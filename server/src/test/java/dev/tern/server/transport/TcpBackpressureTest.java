package dev.tern.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.LengthFieldPrepender;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import dev.tern.server.query.QueryHandler;
import dev.tern.server.testing.TestZones;

/**
 * The TCP pipeline on Netty's {@link EmbeddedChannel}, on virtual time: a client that does not read stops being read
 * and costs a bounded amount of memory, its queries are answered in order once it reads again, and a message that
 * does not arrive whole within tcp-message-timeout closes the connection.
 */
class TcpBackpressureTest {
    /** About 1.4 KB of answer per query: 64 KiB of answers is some 45 queries. */
    private static final String ZONE = "@ SOA ns hm 1 3600 600 86400 60\n@ NS ns\nns A 127.0.0.1\n"
            + IntStream.range(0, 10).mapToObj(i -> "big TXT \"" + "x".repeat(120) + i + "\"\n")
                    .collect(Collectors.joining());

    private final QueryHandler queries = new QueryHandler(() -> TestZones.table("t.test.", ZONE), 1232);
    private final TcpCloses closes = new TcpCloses();
    private EmbeddedChannel channel;

    @AfterEach
    void close() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    /** The pipeline of DnsListeners, minus timers; {@code first} sits next to the socket. */
    private EmbeddedChannel pipeline(long messageTimeoutMillis, io.netty.channel.ChannelHandler... first) {
        List<io.netty.channel.ChannelHandler> handlers = new ArrayList<>(List.of(first));
        handlers.add(new TcpMessageDecoder(messageTimeoutMillis, closes));
        handlers.add(new LengthFieldPrepender(2));
        handlers.add(new TcpHandler(queries, 10, closes));
        EmbeddedChannel embedded = new EmbeddedChannel(handlers.toArray(new io.netty.channel.ChannelHandler[0]));
        embedded.config().setWriteBufferWaterMark(DnsListeners.WATER_MARK);
        return embedded;
    }

    private static ByteBuf frame(int id, String qname) throws Exception {
        Message query = Message.newQuery(Record.newRecord(Name.fromString(qname), Type.TXT, DClass.IN));
        query.getHeader().setID(id);
        byte[] wire = query.toWire();
        ByteBuf frame = Unpooled.buffer(wire.length + 2);
        frame.writeShort(wire.length).writeBytes(wire);
        return frame;
    }

    /** The answers written so far, as message ids, in order. */
    private static List<Integer> answerIds(EmbeddedChannel channel) throws Exception {
        List<Integer> ids = new ArrayList<>();
        for (Object out; (out = channel.readOutbound()) != null; ) {
            ByteBuf buf = (ByteBuf) out;
            try {
                // LengthFieldPrepender writes the prefix and the message as two buffers.
                if (buf.readableBytes() == 2) {
                    continue;
                }
                byte[] wire = new byte[buf.readableBytes()];
                buf.readBytes(wire);
                ids.add(new Message(wire).getHeader().getID());
            } finally {
                buf.release();
            }
        }
        return ids;
    }

    /** Stands for a peer whose receive window is shut: writes reach the outbound buffer but are never flushed. */
    private static final class PeerNotReading extends ChannelOutboundHandlerAdapter {
        @Override
        public void flush(ChannelHandlerContext ctx) {
            // held back, as a full socket buffer would
        }
    }

    @Test
    void aClientThatDoesNotReadStopsBeingReadAndCostsAtMostTheWaterMark() throws Exception {
        channel = pipeline(2000, new PeerNotReading());
        int sent = 0;
        // A socket delivers data only while auto-read is on; the client would send 10,000 queries.
        while (sent < 10_000 && channel.config().isAutoRead()) {
            channel.writeInbound(frame(sent, "big.t.test."));
            sent++;
        }
        assertThat(channel.config().isAutoRead()).isFalse();
        assertThat(channel.isWritable()).isFalse();
        assertThat(channel.isOpen()).isTrue();
        long pending = channel.unsafe().outboundBuffer().totalPendingWriteBytes();
        // At most one answer (< 2 KB) beyond the high water mark, however much the client sends.
        assertThat(pending).isBetween((long) DnsListeners.WATER_MARK.high(),
                DnsListeners.WATER_MARK.high() + 2048L);
        assertThat(sent).isLessThan(100);
    }

    @Test
    void queriesReadWhilePausedAreAnsweredInOrderOnceTheClientReads() throws Exception {
        PeerNotReading peer = new PeerNotReading();
        channel = pipeline(2000, peer);
        // A whole read's worth arrives at once, as from one socket read: the tail of it is owed.
        ByteBuf read = Unpooled.buffer();
        for (int id = 0; id < 200; id++) {
            ByteBuf frame = frame(id, "big.t.test.");
            read.writeBytes(frame);
            frame.release();
        }
        channel.writeInbound(read);
        TcpHandler handler = channel.pipeline().get(TcpHandler.class);
        assertThat(channel.config().isAutoRead()).isFalse();
        assertThat(handler.owedBytes()).isPositive();

        // The client reads: everything held is flushed, the channel is writable, the owed queries are answered.
        channel.pipeline().remove(peer);
        channel.flush();
        channel.runPendingTasks();
        assertThat(handler.owedBytes()).isZero();
        assertThat(channel.config().isAutoRead()).isTrue();
        List<Integer> expected = new ArrayList<>();
        for (int id = 0; id < 200; id++) {
            expected.add(id);
        }
        assertThat(answerIds(channel)).isEqualTo(expected);
    }

    @Test
    void aConnectionOwedMoreThanTheBoundIsClosed() throws Exception {
        channel = pipeline(2000);
        channel.unsafe().outboundBuffer().setUserDefinedWritability(1, false);
        channel.runPendingTasks();
        assertThat(channel.config().isAutoRead()).isFalse();
        // EmbeddedChannel delivers even with auto-read off: reads that went on despite the pause.
        int sent = 0;
        while (channel.isOpen() && sent < 20_000) {
            channel.writeInbound(frame(sent, "ns.t.test."));
            sent++;
        }
        assertThat(channel.isOpen()).isFalse();
        assertThat(sent * 30L).isGreaterThan(TcpHandler.MAX_OWED_BYTES);
        assertThat(answerIds(channel)).isEmpty();
    }

    @Test
    void aMessageNotWholeWithinTheTimeoutClosesTheConnectionThoughBytesKeepComing() throws Exception {
        channel = pipeline(1000);
        ByteBuf frame = frame(1, "ns.t.test.");
        for (int i = 0; i < 3; i++) {
            channel.writeInbound(frame.readRetainedSlice(1));
            channel.advanceTimeBy(400, TimeUnit.MILLISECONDS);
            channel.runScheduledPendingTasks();
        }
        frame.release();
        // 1.2 s after the first byte: each byte restarted nothing.
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void messagesArrivingWholeInTimeAreAnsweredAndEachHasItsOwnDeadline() throws Exception {
        channel = pipeline(1000);
        ByteBuf first = frame(1, "ns.t.test.");
        ByteBuf second = frame(2, "ns.t.test.");
        channel.writeInbound(first.readRetainedSlice(5));
        channel.advanceTimeBy(800, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        // The rest of the first message and the start of the second in one read.
        ByteBuf read = Unpooled.buffer().writeBytes(first).writeBytes(second, 3);
        channel.writeInbound(read);
        channel.advanceTimeBy(800, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        channel.writeInbound(second.retainedSlice());
        channel.advanceTimeBy(5, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        first.release();
        second.release();
        assertThat(channel.isOpen()).isTrue();
        assertThat(answerIds(channel)).containsExactly(1, 2);
    }

    @Test
    void theMessageClockStopsWhileWeAreNotReading() throws Exception {
        channel = pipeline(1000);
        ByteBuf frame = frame(1, "ns.t.test.");
        channel.writeInbound(frame.readRetainedSlice(1));
        channel.config().setAutoRead(false);
        channel.advanceTimeBy(5, TimeUnit.SECONDS);
        channel.runScheduledPendingTasks();
        assertThat(channel.isOpen()).isTrue();
        channel.config().setAutoRead(true);
        channel.advanceTimeBy(1100, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
        frame.release();
        assertThat(channel.isOpen()).isFalse();
    }
}
