package dev.tern.server.query;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;
import dev.tern.server.answer.Answer;
import dev.tern.server.answer.AnswerEngine;
import dev.tern.server.log.LogRateLimit;
import dev.tern.server.zone.ZoneTable;

/**
 * Turns the bytes of one query into the bytes of its response, or null when nothing must be sent (garbage shorter
 * than a header, or a message that is itself a response). Decides first (the {@link AnswerEngine}), encodes after
 * ({@link ResponseWriter}). A malformed message is logged, at most once a minute per sender ({@link LogRateLimit}).
 */
public final class QueryHandler {
    private static final Logger logger = LoggerFactory.getLogger(QueryHandler.class);
    private static final int HEADER_LENGTH = 12;

    private final Supplier<ZoneTable> zones;
    private final AnswerEngine engine = new AnswerEngine();
    private final ResponseWriter writer;
    private final NotifyReceiver notifies;
    private final ServerIdentity identity;
    private volatile TransferHandoff transfers;
    private volatile Function<Name, TSIG> keys = name -> null;
    private volatile QueryObserver observer = QueryObserver.NONE;
    private volatile LogRateLimit.Reason malformedLog;

    public QueryHandler(Supplier<ZoneTable> zones, int udpTruncationThreshold) {
        this(zones, udpTruncationThreshold, NotifyReceiver.NONE);
    }

    public QueryHandler(Supplier<ZoneTable> zones, int udpTruncationThreshold, NotifyReceiver notifies) {
        this(zones, udpTruncationThreshold, notifies, ServerIdentity.hidden());
    }

    /** @param identity what CH-class questions and NSID requests are told about this server */
    public QueryHandler(Supplier<ZoneTable> zones, int udpTruncationThreshold, NotifyReceiver notifies,
                        ServerIdentity identity) {
        this.zones = requireNonNull(zones, "zones");
        this.identity = requireNonNull(identity, "identity");
        this.writer = new ResponseWriter(udpTruncationThreshold, identity);
        this.notifies = requireNonNull(notifies, "notifies");
    }

    /**
     * The TSIG keys queries may be signed with (RFC 8945): a signed query that verifies gets a signed answer; one
     * signed with an unknown key or a bad MAC gets NOTAUTH.
     */
    public void keysFrom(Function<Name, TSIG> lookup) {
        this.keys = requireNonNull(lookup, "lookup");
    }

    /** Who is told of every answered query (the metrics). */
    public void observeWith(QueryObserver value) {
        this.observer = requireNonNull(value, "value");
    }

    /** Logs malformed messages under this rate limit; without one they are not logged. */
    public void limitLogsWith(LogRateLimit limit) {
        this.malformedLog = limit.reason("malformed", "malformed message", logger, Level.INFO);
    }

    /** Sends AXFR and IXFR over TCP to the transfer-out side; without one they get NOTIMP. */
    public void transfersTo(TransferHandoff handoff) {
        this.transfers = requireNonNull(handoff, "handoff");
    }

    /**
     * Handles one message received over TCP: a transfer request goes to the transfer-out side, anything else is
     * answered as by {@link #handle(byte[], boolean, InetAddress)}.
     */
    public TcpResponse handleTcp(byte[] wire, InetSocketAddress client) {
        TransferHandoff handoff = transfers;
        if (handoff != null && wire.length >= HEADER_LENGTH && (wire[2] & 0xF8) == 0) {
            // QR clear, opcode QUERY: parse once more only when the question is a transfer.
            try {
                Message query = ReceivedMessage.parse(wire);
                Record question = query.getQuestion();
                if (question != null && query.getHeader().getCount(Section.QUESTION) == 1
                        && (question.getType() == Type.AXFR || question.getType() == Type.IXFR)) {
                    return handoff.transfer(query, wire, client);
                }
            } catch (IOException e) {
                // falls through to handle(), which answers FORMERR
            }
        }
        byte[] response = handle(wire, true, client == null ? null : client.getAddress());
        return response == null ? new TcpResponse.Close() : new TcpResponse.Single(response);
    }

    /** Handles a query whose sender is unknown (NOTIFY is then refused). */
    public byte[] handle(byte[] wire, boolean tcp) {
        return handle(wire, tcp, null);
    }

    /**
     * Handles one query.
     *
     * @param wire the message as received
     * @param tcp whether it came over TCP (no size limit, full ANY answers)
     * @param source the sender's address, for NOTIFY; null when unknown
     */
    public byte[] handle(byte[] wire, boolean tcp, InetAddress source) {
        long started = System.nanoTime();
        byte[] response = handleSigned(wire, tcp, source);
        if (response != null && response.length >= HEADER_LENGTH) {
            observer.answered(tcp, qtype(wire), response[3] & 0xF, response.length, (response[2] & 0x02) != 0,
                    System.nanoTime() - started);
        }
        return response;
    }

    /** The question's type read straight from the wire, or -1 when there is no readable question. */
    static int qtype(byte[] wire) {
        if (wire.length < HEADER_LENGTH || ((wire[4] & 0xFF) << 8 | (wire[5] & 0xFF)) == 0) {
            return -1;
        }
        int at = HEADER_LENGTH;
        while (at < wire.length) {
            int length = wire[at] & 0xFF;
            if (length == 0) {
                return at + 2 < wire.length ? (wire[at + 1] & 0xFF) << 8 | (wire[at + 2] & 0xFF) : -1;
            }
            if ((length & 0xC0) != 0) {
                return -1;
            }
            at += length + 1;
        }
        return -1;
    }

    private byte[] handleSigned(byte[] wire, boolean tcp, InetAddress source) {
        if (wire.length < HEADER_LENGTH) {
            malformed(source, "dropped", wire.length + " bytes, shorter than a DNS header");
            return null;
        }
        if (!hasTsig(wire)) {
            return respond(wire, tcp, source);
        }
        Message query;
        try {
            query = ReceivedMessage.parse(wire);
        } catch (IOException e) {
            malformed(source, "FORMERR", e.getMessage());
            return formerr(wire);
        }
        TSIGRecord signature = query.getTSIG();
        if (signature == null || query.getHeader().getFlag(Flags.QR)) {
            return respond(wire, tcp, source);
        }
        TSIG key = keys.apply(signature.getName());
        int error = key == null ? Rcode.BADKEY : key.verify(query, wire, null);
        if (error != Rcode.NOERROR) {
            if (query.getHeader().getOpcode() == Opcode.NOTIFY) {
                // The NOTIFY receiver checks the zone's key itself, and logs and counts what was wrong.
                respond(wire, tcp, source);
            }
            // RFC 8945 5.2: NOTAUTH, with the TSIG error (unsigned but for BADTIME).
            return writer.tsigError(query, error, key, query.getOPT());
        }
        // RFC 8945 5.3: room for the TSIG record is kept, so the signed answer still fits the client's size.
        byte[] response = respond(wire, tcp, source, key.recordLength());
        if (response == null) {
            return null;
        }
        try {
            Message signed = new Message(response);
            key.apply(signed, signature);
            return signed.toWire();
        } catch (IOException e) {
            return response;
        }
    }

    /** Whether the message has additional records at all: only then can it carry a TSIG (cheap pre-check). */
    private static boolean hasTsig(byte[] wire) {
        return wire[10] != 0 || wire[11] != 0;
    }

    private byte[] respond(byte[] wire, boolean tcp, InetAddress source) {
        return respond(wire, tcp, source, 0);
    }

    /** @param reserve bytes kept free under the UDP size limit, for the TSIG record added afterwards */
    private byte[] respond(byte[] wire, boolean tcp, InetAddress source, int reserve) {
        Message query;
        try {
            query = ReceivedMessage.parse(wire);
        } catch (IOException e) {
            // WireParseException, or an IOException dnsjava throws for other bad input
            malformed(source, "FORMERR", e.getMessage());
            return formerr(wire);
        }
        Header header = query.getHeader();
        if (header.getFlag(Flags.QR)) {
            return null;
        }
        OPTRecord opt = query.getOPT();
        int opcode = header.getOpcode();
        if (opcode == Opcode.NOTIFY && header.getCount(Section.QUESTION) == 1) {
            int rcode = source == null ? Rcode.REFUSED : notifies.receive(query, wire, source);
            return writer.notifyAnswer(query, rcode, opt);
        }
        if (opcode != Opcode.QUERY) {
            return writer.rcodeOnly(query, Rcode.NOTIMP, opt, tcp);
        }
        if (header.getCount(Section.QUESTION) != 1 || hasMoreThanOneOpt(query)) {
            return writer.rcodeOnly(query, Rcode.FORMERR, opt, tcp);
        }
        if (opt != null && opt.getVersion() > 0) {
            // RFC 6891 6.1.3: a version we do not speak gets BADVERS, with our OPT (version 0).
            return writer.rcodeOnly(query, Rcode.BADVERS, opt, tcp);
        }
        Record question = query.getQuestion();
        int qtype = question.getType();
        if (question.getDClass() == DClass.CH) {
            // version.bind, id.server and the like (RFC 4892); every other CH question is REFUSED there.
            return writer.write(query, identity.answer(question.getName(), qtype), opt, tcp, -1, reserve);
        }
        if (question.getDClass() != DClass.IN && question.getDClass() != DClass.ANY) {
            return writer.rcodeOnly(query, Rcode.REFUSED, opt, tcp);
        }
        if (qtype == Type.AXFR || qtype == Type.IXFR || qtype == Type.MAILB || qtype == Type.MAILA) {
            // Transfers out are not served yet; the zone's data is never sent over UDP in any case.
            return writer.rcodeOnly(query, tcp ? Rcode.NOTIMP : Rcode.FORMERR, opt, tcp);
        }
        ZoneTable table = zones.get();
        Answer answer = engine.answer(table, question.getName(), qtype, !tcp, ResponseWriter.dnssecOk(opt));
        long expire = -1;
        if (qtype == Type.SOA && ExpireOption.requested(opt) && answer.rcode() == Rcode.NOERROR) {
            // RFC 7314 2: EXPIRE goes only with the zone's own SOA.
            dev.tern.server.zone.Zone zone = table.get(question.getName());
            expire = zone == null ? -1 : zone.expireSeconds(java.time.Instant.now());
        }
        return writer.write(query, answer, opt, tcp, expire, reserve);
    }

    /**
     * Logs a message that does not parse, rate limited per sender. On the event loop: the line is formatted only
     * when it is logged, and a sender seen in the window costs one map look-up.
     */
    private void malformed(InetAddress source, String outcome, String problem) {
        LogRateLimit.Reason reason = malformedLog;
        if (reason == null) {
            return;
        }
        if (reason.allow(source)) {
            logger.info("message from {}: {}, malformed: {}", source == null ? "an unknown sender"
                    : io.netty.util.NetUtil.toAddressString(source), outcome, problem);
        } else if (logger.isDebugEnabled()) {
            logger.debug("message from {}: {}, malformed: {}", source, outcome, problem);
        }
    }

    private static boolean hasMoreThanOneOpt(Message query) {
        int count = 0;
        for (Record record : query.getSection(Section.ADDITIONAL)) {
            if (record.getType() == Type.OPT) {
                count++;
            }
        }
        return count > 1;
    }

    /** FORMERR for a message with a header that does not parse: id and opcode copied, no question. */
    private static byte[] formerr(byte[] wire) {
        if ((wire[2] & 0x80) != 0) {
            return null;
        }
        byte[] response = new byte[HEADER_LENGTH];
        response[0] = wire[0];
        response[1] = wire[1];
        response[2] = (byte) (0x80 | (wire[2] & 0x78) | (wire[2] & 0x01));
        response[3] = (byte) Rcode.FORMERR;
        return response;
    }
}
