package dev.tern.server.primary;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import dev.tern.server.query.ReceivedMessage;
import dev.tern.server.query.TsigErrors;
import dev.tern.server.transport.Transport;

/**
 * Sends NOTIFY (RFC 1996) over UDP from one socket and retries each target until it answers or the tries run out:
 * <pre>
 *   send ──(answer NOERROR)──> acknowledged
 *     │  ──(answer other rcode)──> error
 *     └─(no answer within 2^n s)──> send again ... after {@code tries} sends: given-up
 * </pre>
 * A new round for a zone replaces the targets still pending from the one before (the newer serial is what counts).
 * Everything after {@link #notify} runs on the sender's one event loop.
 */
public final class NotifySender implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(NotifySender.class);
    private static final long FIRST_WAIT_MILLIS = 2000;

    private final Transport transport = Transport.best();
    private final EventLoopGroup group = transport.newGroup(1, "notify-io");
    private final Channel channel;
    private final Channel channel6;
    private final int tries;
    private final long firstWaitMillis;
    private final SecureRandom random = new SecureRandom();
    /** Pending by message id; event-loop confined. */
    private final Map<Integer, Pending> pending = new HashMap<>();

    /**
     * @param sources the addresses to send from (query-local-address: one IPv4, one IPv6); empty lets the kernel
     *     choose
     * @param tries NOTIFY messages sent to a target before it is given up
     * @param firstWait the wait after the first send; it doubles after each further send
     */
    public NotifySender(List<InetAddress> sources, int tries, Duration firstWait) throws InterruptedException {
        this.tries = tries;
        this.firstWaitMillis = firstWait.toMillis();
        InetAddress v4 = null;
        InetAddress v6 = null;
        for (InetAddress source : sources) {
            if (source instanceof java.net.Inet6Address) {
                v6 = v6 == null ? source : v6;
            } else {
                v4 = v4 == null ? source : v4;
            }
        }
        Bootstrap bootstrap = new Bootstrap().group(group).channel(transport.datagramChannel())
                .handler(new Answers());
        channel = bootstrap.bind(new InetSocketAddress(v4 == null ? anyV4() : v4, 0)).sync().channel();
        Channel six = null;
        try {
            six = bootstrap.bind(new InetSocketAddress(v6 == null ? InetAddress.getByName("::") : v6, 0)).sync()
                    .channel();
        } catch (Exception e) {
            // A host without IPv6: IPv6 targets are reported as failed sends.
            logger.debug("no IPv6 socket for NOTIFY: {}", e.toString());
        }
        channel6 = six;
    }

    public NotifySender(List<InetAddress> sources, int tries) throws InterruptedException {
        this(sources, tries, Duration.ofMillis(FIRST_WAIT_MILLIS));
    }

    private static InetAddress anyV4() {
        try {
            return InetAddress.getByAddress(new byte[4]);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends a NOTIFY for {@code soa}'s zone and serial to every target.
     *
     * @param key signs each NOTIFY when not null
     * @param each told of each target's result as it ends (on the sender's event loop)
     * @return completes when every target has ended
     */
    public CompletableFuture<List<NotifyResult>> notify(SOARecord soa, List<InetSocketAddress> targets, TSIG key,
                                                        Consumer<NotifyResult> each) {
        CompletableFuture<List<NotifyResult>> round = new CompletableFuture<>();
        if (targets.isEmpty()) {
            round.complete(List.of());
            return round;
        }
        channel.eventLoop().execute(() -> start(soa, List.copyOf(targets), key, each, round));
        return round;
    }

    private void start(SOARecord soa, List<InetSocketAddress> targets, TSIG key, Consumer<NotifyResult> each,
                       CompletableFuture<List<NotifyResult>> round) {
        for (Pending old : new ArrayList<>(pending.values())) {
            if (old.soa.getName().equals(soa.getName()) && targets.contains(old.target)) {
                old.end(new NotifyResult(old.target, "superseded", old.sent, "by serial " + soa.getSerial()));
            }
        }
        List<NotifyResult> results = new ArrayList<>();
        Consumer<NotifyResult> collect = result -> {
            results.add(result);
            each.accept(result);
            if (results.size() == targets.size()) {
                round.complete(List.copyOf(results));
            }
        };
        for (InetSocketAddress target : targets) {
            int id;
            do {
                id = random.nextInt(0x10000);
            } while (pending.containsKey(id));
            Pending entry = new Pending(id, soa, target, key, collect);
            pending.put(id, entry);
            entry.send();
        }
    }

    /** One target of a round, from the first send to its result. */
    private final class Pending {
        final int id;
        final SOARecord soa;
        final InetSocketAddress target;
        final TSIG key;
        final Consumer<NotifyResult> done;
        int sent;
        ScheduledFuture<?> timer;
        boolean ended;

        Pending(int id, SOARecord soa, InetSocketAddress target, TSIG key, Consumer<NotifyResult> done) {
            this.id = id;
            this.soa = soa;
            this.target = target;
            this.key = key;
            this.done = done;
        }

        void send() {
            if (sent >= tries) {
                end(new NotifyResult(target, "given-up", sent, ""));
                return;
            }
            Message message = new Message(id);
            message.getHeader().setOpcode(Opcode.NOTIFY);
            message.getHeader().setFlag(Flags.AA);
            message.addRecord(Record.newRecord(soa.getName(), Type.SOA, DClass.IN), Section.QUESTION);
            // RFC 1996 3.7: the new SOA may ride along in the answer section, as BIND sends it.
            message.addRecord(soa, Section.ANSWER);
            if (key != null) {
                key.apply(message, null);
            }
            sent++;
            Channel out = target.getAddress() instanceof java.net.Inet6Address ? channel6 : channel;
            if (out == null) {
                end(new NotifyResult(target, "error", sent, "no IPv6 socket to send from"));
                return;
            }
            out.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(message.toWire()), target));
            long wait = firstWaitMillis << Math.min(sent - 1, 10);
            timer = channel.eventLoop().schedule(this::send, wait, TimeUnit.MILLISECONDS);
        }

        void end(NotifyResult result) {
            if (ended) {
                return;
            }
            ended = true;
            pending.remove(id);
            if (timer != null) {
                timer.cancel(false);
            }
            done.accept(result);
        }
    }

    /** Matches answers to pending NOTIFYs by id and source address. */
    private final class Answers extends SimpleChannelInboundHandler<DatagramPacket> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
            Message answer;
            try {
                answer = ReceivedMessage.parse(ByteBufUtil.getBytes(packet.content()));
            } catch (IOException e) {
                return;
            }
            Pending entry = pending.get(answer.getHeader().getID());
            if (entry == null || !answer.getHeader().getFlag(Flags.QR)
                    || !packet.sender().getAddress().equals(entry.target.getAddress())
                    || packet.sender().getPort() != entry.target.getPort()) {
                return;
            }
            int rcode = answer.getRcode();
            int tsigError = TsigErrors.reported(answer);
            String detail = Rcode.string(rcode) + (tsigError == Rcode.NOERROR ? ""
                    : ", the secondary rejected our signature, " + TsigErrors.explain(tsigError));
            entry.end(rcode == Rcode.NOERROR ? new NotifyResult(entry.target, "acknowledged", entry.sent, "")
                    : new NotifyResult(entry.target, "error", entry.sent, detail, tsigError));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // An ICMP port unreachable surfaces here on some transports; the retry timer covers it.
            logger.debug("NOTIFY socket: {}", cause.toString());
        }
    }

    /** NOTIFY targets still waiting for an answer; for tests and status. */
    public int pendingCount() {
        try {
            return channel.eventLoop().submit(pending::size).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            return -1;
        }
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        if (channel6 != null) {
            channel6.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(3, TimeUnit.SECONDS);
    }
}
