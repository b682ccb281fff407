package dev.tern.server.xfr;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;
import dev.tern.server.zone.ZoneChange;

/**
 * Reads the records of an AXFR (RFC 5936 2.2) or IXFR (RFC 1995 4) answer, message after message, and says when
 * the transfer is complete. Pure: no I/O.
 *
 * <pre>
 *   START --SOA(new)--> FIRST --SOA(ours), IXFR--> DELETE --SOA--> ADD --SOA(new serial)--> DONE
 *                          |                          ^             |
 *                          |                          +----SOA------+   (next change)
 *                          +--any other record--> AXFR --SOA(new serial)--> DONE
 * </pre>
 */
final class XfrStream {
    private enum State { START, FIRST, AXFR, DELETE, ADD, DONE }

    private final Name zone;
    private final boolean ixfr;
    private final long ourSerial;
    private State state = State.START;
    private SOARecord newSoa;
    /** The records of a whole-zone answer not yet taken. */
    private List<Record> records = new ArrayList<>();
    private boolean wholeZone;
    private final List<ZoneChange> deltas = new ArrayList<>();
    private SOARecord deltaFrom;
    private SOARecord deltaTo;
    private List<Record> removed;
    private List<Record> added;
    private int messages;

    XfrStream(Name zone, boolean ixfr, long ourSerial) {
        this.zone = requireNonNull(zone, "zone");
        this.ixfr = ixfr;
        this.ourSerial = ourSerial;
    }

    /** Takes one answer message; throws {@link BadTransferException} when the stream makes no sense. */
    void add(Message message) {
        messages++;
        if (message.getHeader().getOpcode() != Opcode.QUERY) {
            // RFC 5936 2.2.1: the opcode is copied from the query. dnsjava also reads an UPDATE's records without
            // rdata as EmptyRecord, which no code here expects (an "SOA" that is not an SOARecord).
            throw new BadTransferException("a message with opcode " + Opcode.string(message.getHeader().getOpcode())
                    + " (expected: QUERY)");
        }
        for (Record record : message.getSection(Section.ANSWER)) {
            if (state == State.DONE) {
                throw new BadTransferException("records after the final SOA: " + record);
            }
            add(record);
        }
        if (state == State.FIRST && messages == 1 && ixfr && newSoa.getSerial() == ourSerial) {
            // RFC 1995 2: a lone SOA with our serial means we are up to date.
            state = State.DONE;
        }
    }

    private void add(Record record) {
        if (!record.getName().subdomain(zone)) {
            throw new BadTransferException("the primary sent data outside the zone: " + record);
        }
        boolean soa = record.getType() == Type.SOA;
        switch (state) {
            case START:
                if (!soa || !record.getName().equals(zone)) {
                    throw new BadTransferException("the answer does not start with the zone's SOA: " + record);
                }
                newSoa = (SOARecord) record;
                state = State.FIRST;
                return;
            case FIRST:
                if (ixfr && soa && ((SOARecord) record).getSerial() != newSoa.getSerial()) {
                    startDelta((SOARecord) record);
                    return;
                }
                state = State.AXFR;
                wholeZone = true;
                records.add(newSoa);
                addAxfr(record, soa);
                return;
            case AXFR:
                addAxfr(record, soa);
                return;
            case DELETE:
                if (soa) {
                    deltaTo = (SOARecord) record;
                    state = State.ADD;
                } else {
                    removed.add(record);
                }
                return;
            case ADD:
                if (!soa) {
                    added.add(record);
                    return;
                }
                SOARecord next = (SOARecord) record;
                deltas.add(new ZoneChange(deltaFrom, deltaTo, removed, added));
                if (next.getSerial() == newSoa.getSerial() && deltaTo.getSerial() == newSoa.getSerial()) {
                    state = State.DONE;
                } else if (next.getSerial() != deltaTo.getSerial()) {
                    throw new BadTransferException("IXFR change starts at serial " + next.getSerial()
                            + " (expected: " + deltaTo.getSerial() + ", where the previous change ended)");
                } else {
                    startDelta(next);
                }
                return;
            default:
                throw new BadTransferException("unexpected record " + record);
        }
    }

    private void startDelta(SOARecord from) {
        if (deltas.isEmpty() && from.getSerial() != ourSerial) {
            throw new BadTransferException("IXFR starts at serial " + from.getSerial() + " (expected: our serial "
                    + ourSerial + ")");
        }
        deltaFrom = from;
        removed = new ArrayList<>();
        added = new ArrayList<>();
        state = State.DELETE;
    }

    private void addAxfr(Record record, boolean soa) {
        if (soa) {
            if (!record.getName().equals(zone) || ((SOARecord) record).getSerial() != newSoa.getSerial()) {
                throw new BadTransferException("a second SOA that is not the final one: " + record);
            }
            state = State.DONE;
            return;
        }
        records.add(record);
    }

    boolean done() {
        return state == State.DONE;
    }

    /** True when the primary ended an IXFR answer after a lone SOA that is not ours: it wants us to AXFR. */
    boolean endedWithLoneSoa() {
        return ixfr && state == State.FIRST;
    }

    /** How many records of a whole-zone answer wait to be taken. */
    int pending() {
        return records.size();
    }

    /** Takes the records of a whole-zone answer received so far, in order, for a caller that writes them now. */
    List<Record> take() {
        List<Record> taken = records;
        records = new ArrayList<>();
        return taken;
    }

    int messages() {
        return messages;
    }

    /** The outcome, once {@link #done()}. */
    TransferResult result(TransferStats stats) {
        if (!done()) {
            throw new IllegalStateException("the transfer is not complete");
        }
        if (!wholeZone && deltas.isEmpty()) {
            if (newSoa.getSerial() == ourSerial) {
                return new TransferResult.UpToDate(newSoa, stats);
            }
            return new TransferResult.Failed(TransferResult.Failure.IXFR_ONLY_SOA, 0,
                    "IXFR answered with serial " + newSoa.getSerial() + " and no changes", stats);
        }
        if (!deltas.isEmpty()) {
            return new TransferResult.Incremental(newSoa, deltas, stats);
        }
        return new TransferResult.Zone(newSoa, records, ixfr, stats);
    }

    /** The stream broke a rule of RFC 1995 or 5936. */
    static final class BadTransferException extends RuntimeException {
        BadTransferException(String message) {
            super(message);
        }
    }
}
