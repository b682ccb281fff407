package dev.tern.server.xfr;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import dev.tern.server.query.ExpireOption;
import dev.tern.server.query.MessageStream;

/**
 * One AXFR or IXFR going out: packs the records of the answer into messages of about 16 KiB (dnsjava compresses
 * names within each), signs every message when the request was signed (RFC 8945 5.3.1: the first over the request's
 * MAC, each next one over the previous MAC), and logs one line when it ends, finished or abandoned.
 */
final class OutgoingTransfer implements MessageStream {
    private static final Logger logger = LoggerFactory.getLogger(OutgoingTransfer.class);
    /** RFC 5936 4.2: messages up to 64 KiB are allowed; 16 KiB keeps each write small for slow paths. */
    static final int TARGET_MESSAGE_BYTES = 16 * 1024;

    private final Message query;
    private final Iterator<Record> records;
    private final TSIG key;
    private final String label;
    private final long serial;
    private final Clock clock;
    private final Consumer<Outcome> onEnd;
    private final long expire;
    private final Instant started;
    private TSIGRecord previousSignature;
    private Record pending;
    private int messages;
    private long bytes;
    private long recordsSent;
    private boolean ended;

    /** How a transfer ended, for the limits and metrics. */
    record Outcome(boolean finished, long bytes, int messages, Duration elapsed) {
    }

    /**
     * @param label the log prefix, e.g. {@code [example.org.] AXFR-out to 192.0.2.7:41234}
     * @param key the verified key of a signed request, or null
     * @param expire the EDNS EXPIRE value for the first message (RFC 7314 2), or -1 for none
     */
    OutgoingTransfer(Message query, Iterator<Record> records, TSIG key, String label, long serial, long expire,
                     Clock clock, Consumer<Outcome> onEnd) {
        this.expire = expire;
        this.query = requireNonNull(query, "query");
        this.records = requireNonNull(records, "records");
        this.key = key;
        this.label = requireNonNull(label, "label");
        this.serial = serial;
        this.clock = requireNonNull(clock, "clock");
        this.onEnd = requireNonNull(onEnd, "onEnd");
        this.started = clock.instant();
        this.previousSignature = query.getTSIG();
    }

    @Override
    public byte[] next() {
        if (pending == null && !records.hasNext()) {
            return null;
        }
        Message message = new Message(query.getHeader().getID());
        message.getHeader().setFlag(Flags.QR);
        message.getHeader().setFlag(Flags.AA);
        message.getHeader().setOpcode(Opcode.QUERY);
        if (messages == 0) {
            // RFC 5936 2.2.1: the question in the first message; later ones may leave it out.
            message.addRecord(query.getQuestion(), Section.QUESTION);
        }
        int size = 12;
        do {
            Record record = pending != null ? pending : records.next();
            pending = null;
            // An uncompressed upper bound: compression only makes the message smaller.
            int length = record.getName().length() + 10 + record.rdataToWireCanonical().length;
            if (size + length > TARGET_MESSAGE_BYTES && message.getHeader().getCount(Section.ANSWER) > 0) {
                pending = record;
                break;
            }
            message.addRecord(record, Section.ANSWER);
            size += length;
            recordsSent++;
        } while (records.hasNext());
        if (messages == 0 && query.getOPT() != null) {
            // RFC 6891 7: an EDNS request gets OPT back; EXPIRE rides in the first message only.
            message.addRecord(expire < 0 ? new OPTRecord(1232, 0, 0, 0)
                    : new OPTRecord(1232, 0, 0, 0, ExpireOption.of(expire)), Section.ADDITIONAL);
        }
        if (key != null) {
            key.apply(message, previousSignature, messages == 0);
            previousSignature = message.getTSIG();
        }
        byte[] wire = message.toWire();
        messages++;
        bytes += wire.length;
        return wire;
    }

    @Override
    public void finished() {
        if (end(true)) {
            Duration elapsed = Duration.between(started, clock.instant());
            logger.info("{}: finished, serial {}, {} s, {} messages, {} records, {}", label, serial,
                    String.format(java.util.Locale.ROOT, "%.2f", elapsed.toNanos() / 1e9), messages, recordsSent,
                    bytes + " bytes");
        }
    }

    @Override
    public void abandoned(String reason, String tcpInfo) {
        if (end(false)) {
            logger.warn("{}: abandoned after {} messages ({}, serial {}): {}{}", label, messages, bytes + " bytes",
                    serial, reason, tcpInfo.isEmpty() ? "" : " (" + tcpInfo + ")");
        }
    }

    private boolean end(boolean finished) {
        if (ended) {
            return false;
        }
        ended = true;
        onEnd.accept(new Outcome(finished, bytes, messages, Duration.between(started, clock.instant())));
        return true;
    }
}
