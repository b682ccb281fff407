package dev.tern.server.xfr;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.epoll.EpollTcpInfo;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import dev.tern.server.query.ReceivedMessage;
import dev.tern.server.query.TsigErrors;
import dev.tern.server.xfr.TransferResult.Failure;

/**
 * One transfer's connection: sends the query (signed when a key is given), reads the answer messages into an
 * {@link XfrStream}, verifies TSIG on each (RFC 8945 5.3.1: every message may be signed, at most 99 in a row
 * unsigned, the last one signed), and watches progress: no first byte within the idle timeout, no new byte within
 * the stall timeout once data flowed, or the overall deadline, each ends the transfer with its own failure.
 * With an {@link AxfrSink}, the records of a whole zone leave in batches while they arrive, and reading pauses
 * while a batch is written, so a transfer holds a batch and not the zone. Runs on the transfer event loop only.
 */
final class XfrHandler extends SimpleChannelInboundHandler<ByteBuf> {
    private static final long CHECK_MILLIS = 100;

    private final TransferRequest request;
    private final CompletableFuture<TransferResult> result;
    private final XfrStream stream;
    private final AxfrSink sink;
    /** A batch is being written: reading is paused, and the stall and silence checks wait. */
    private boolean writing;
    private final long started = System.nanoTime();
    private TSIG.StreamVerifier verifier;
    private int queryId;
    private long bytes;
    private long lastProgress = started;
    private long connectedAt;
    private ScheduledFuture<?> watchdog;
    private Channel channel;

    XfrHandler(TransferRequest request, CompletableFuture<TransferResult> result, AxfrSink sink) {
        this.request = request;
        this.result = result;
        this.sink = sink;
        long ourSerial = request.currentSoa() == null ? -1 : request.currentSoa().getSerial();
        this.stream = new XfrStream(request.zone(), request.qtype() == Type.IXFR, ourSerial);
    }

    /** A handler for the head of the pipeline that counts raw bytes, so a stall inside a message is seen. */
    ChannelInboundHandlerAdapter progress() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof ByteBuf) {
                    bytes += ((ByteBuf) msg).readableBytes();
                    lastProgress = System.nanoTime();
                    if (request.maxBytes() > 0 && bytes > request.maxBytes()) {
                        fail(Failure.SIZE_LIMIT, 0, "received " + bytes + " bytes, more than xfr-max-received-mbytes="
                                + megabytes(request.maxBytes()) + " (" + request.maxBytes() + " bytes) allows, after "
                                + stream.messages() + " messages; transfer aborted (raise the limit if the zone is"
                                + " really this large)");
                        ((ByteBuf) msg).release();
                        return;
                    }
                }
                ctx.fireChannelRead(msg);
            }
        };
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        channel = ctx.channel();
        connectedAt = System.nanoTime();
        lastProgress = connectedAt;
        Message query = Message.newQuery(Record.newRecord(request.zone(), request.qtype(), DClass.IN));
        query.getHeader().unsetFlag(Flags.RD);
        if (request.qtype() == Type.IXFR) {
            query.addRecord(request.currentSoa(), Section.AUTHORITY);
        }
        queryId = query.getHeader().getID();
        if (request.tsig() != null) {
            request.tsig().apply(query, null);
            verifier = new TSIG.StreamVerifier(request.tsig(), query.getTSIG());
        }
        ctx.writeAndFlush(Unpooled.wrappedBuffer(query.toWire()));
        watchdog = ctx.executor().scheduleAtFixedRate(this::check, CHECK_MILLIS, CHECK_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, ByteBuf frame) {
        if (result.isDone()) {
            return;
        }
        byte[] wire = ByteBufUtil.getBytes(frame);
        Message message;
        try {
            message = ReceivedMessage.parse(wire);
        } catch (IOException e) {
            fail(Failure.BAD_DATA, 0, "message " + (stream.messages() + 1) + " does not parse: " + e.getMessage());
            return;
        }
        if (message.getHeader().getID() != queryId || !message.getHeader().getFlag(Flags.QR)) {
            fail(Failure.BAD_DATA, 0, "an answer that is not ours (id " + message.getHeader().getID() + ")");
            return;
        }
        if (verifier != null) {
            int reported = TsigErrors.reported(message);
            if (reported != Rcode.NOERROR) {
                fail(Failure.TSIG, reported, "the primary rejected the signature of the request, "
                        + TsigErrors.explain(reported));
                return;
            }
            int error = verifier.verify(message, wire);
            if (error != Rcode.NOERROR) {
                fail(Failure.TSIG, error, "TSIG " + Rcode.TSIGstring(error) + " on message "
                        + (stream.messages() + 1) + " (check the key name, algorithm and secret on both sides)");
                return;
            }
        }
        if (message.getRcode() != Rcode.NOERROR) {
            fail(Failure.RCODE, message.getRcode(), "the primary answered " + Rcode.string(message.getRcode()));
            return;
        }
        try {
            stream.add(message);
        } catch (XfrStream.BadTransferException e) {
            fail(Failure.BAD_DATA, 0, e.getMessage());
            return;
        }
        if (stream.done()) {
            if (verifier != null && !message.isSigned()) {
                fail(Failure.TSIG, 0, "the last message is not signed (RFC 8945 5.3.1)");
                return;
            }
            if (!writing) {
                complete(stream.result(stats()));
            }
            return;
        }
        writeBatch(ctx);
    }

    /** Hands a full batch to the sink and stops reading until it is written; then reads on, or completes. */
    private void writeBatch(ChannelHandlerContext ctx) {
        if (sink == null || writing || stream.pending() < sink.batchSize()) {
            return;
        }
        writing = true;
        ctx.channel().config().setAutoRead(false);
        CompletableFuture<Void> written;
        try {
            written = sink.write(stream.take());
        } catch (RuntimeException e) {
            written = CompletableFuture.failedFuture(e);
        }
        written.whenComplete((ignored, failure) -> ctx.executor().execute(() -> {
            writing = false;
            lastProgress = System.nanoTime();
            if (result.isDone()) {
                return;
            }
            if (failure != null) {
                Throwable cause = failure instanceof java.util.concurrent.CompletionException
                        && failure.getCause() != null ? failure.getCause() : failure;
                fail(Failure.STORE, 0, "cannot write the received records, old zone kept: "
                        + dev.tern.server.zone.Problems.describe(cause));
                return;
            }
            if (stream.done()) {
                complete(stream.result(stats()));
                return;
            }
            ctx.channel().config().setAutoRead(true);
            // Messages decoded while the batch was written may fill the next one already.
            writeBatch(ctx);
        }));
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (result.isDone() || stream.done()) {
            // Done but for the batch being written: the primary may close once it sent the final SOA.
            return;
        }
        if (stream.endedWithLoneSoa()) {
            fail(Failure.IXFR_ONLY_SOA, 0, "IXFR answered with a lone SOA that is not ours");
            return;
        }
        fail(Failure.CLOSED, 0, "the primary closed the connection after " + bytes + " bytes, "
                + stream.messages() + " messages, before the final SOA");
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        fail(Failure.CLOSED, 0, "connection error after " + bytes + " bytes: " + cause.getMessage());
    }

    void connectFailed(Throwable cause) {
        if (cause instanceof io.netty.channel.ConnectTimeoutException) {
            fail(Failure.CONNECT_TIMEOUT, 0, "no TCP connection within " + seconds(request.connectTimeout())
                    + (request.source() == null ? "" : " from source " + request.source().getHostAddress()));
        } else if (XfrClient.isRefused(cause)) {
            fail(Failure.CONNECT_REFUSED, 0, "connection refused (is the primary listening on TCP port "
                    + request.primary().getPort() + "?)");
        } else {
            fail(Failure.CONNECT_REFUSED, 0, "cannot connect: " + cause.getMessage());
        }
    }

    private void check() {
        if (result.isDone()) {
            return;
        }
        long now = System.nanoTime();
        if (writing) {
            // Our database is busy with a batch, not the primary stalled: only the deadline applies.
            lastProgress = now;
        }
        if (now - started > request.deadline().toNanos()) {
            fail(Failure.DEADLINE, 0, "not finished within " + seconds(request.deadline()) + " (after " + bytes
                    + " bytes)");
        } else if (bytes == 0 && request.silenceIsStall() && now - connectedAt > request.stallTimeout().toNanos()) {
            fail(Failure.STALLED, 0, "no data within " + seconds(request.stallTimeout()) + " after connecting");
        } else if (bytes == 0 && now - connectedAt > request.idleTimeout().toNanos()) {
            fail(Failure.NO_ANSWER, 0, "connected, but no answer within " + seconds(request.idleTimeout()));
        } else if (bytes > 0 && now - lastProgress > request.stallTimeout().toNanos()) {
            fail(Failure.STALLED, 0, "stalled after " + bytes + " bytes");
        }
    }

    private TransferStats stats() {
        return new TransferStats(stream.messages(), bytes, Duration.ofNanos(System.nanoTime() - started),
                request.mss(), tcpInfo());
    }

    /** The kernel's view of the connection, for the diagnosis of a stall. */
    private String tcpInfo() {
        if (!(channel instanceof EpollSocketChannel) || !channel.isOpen()) {
            return "";
        }
        try {
            EpollTcpInfo info = ((EpollSocketChannel) channel).tcpInfo();
            return "tcp_info rcv_mss " + info.rcvMss() + ", advmss " + info.advmss() + ", snd_mss " + info.sndMss()
                    + ", pmtu " + info.pmtu() + ", retransmits " + info.totalRetrans();
        } catch (RuntimeException e) {
            return "";
        }
    }

    private void fail(Failure failure, int rcode, String detail) {
        complete(new TransferResult.Failed(failure, rcode, detail, stats()));
    }

    private void complete(TransferResult outcome) {
        if (result.isDone()) {
            return;
        }
        if (watchdog != null) {
            watchdog.cancel(false);
        }
        result.complete(outcome);
        if (channel != null) {
            channel.close();
        }
    }

    /** The limit as configured: whole MiB, or a fraction when set below one in a test. */
    private static String megabytes(long bytes) {
        return bytes % (1 << 20) == 0 ? Long.toString(bytes >> 20)
                : String.format(java.util.Locale.ROOT, "%.3f", bytes / 1048576.0);
    }

    private static String seconds(Duration duration) {
        return String.format(java.util.Locale.ROOT, "%.1f s", duration.toMillis() / 1000.0);
    }
}
