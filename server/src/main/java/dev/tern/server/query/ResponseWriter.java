package dev.tern.server.query;

import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Record;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import dev.tern.server.answer.Answer;

/**
 * Encodes an {@link Answer} as the response to a query: header flags, the question as asked (qname case kept),
 * the OPT record when the query had one, and the size limit. Over UDP the limit is min(the client's EDNS size,
 * {@code udp-truncation-threshold}), and 512 without EDNS (RFC 1035 4.2.1, RFC 6891 6.2.5); an answer that does
 * not fit loses its optional additional data first, then is sent empty with TC set. The OPT record carries the
 * NSID when the query asked for it ({@link ServerIdentity#nsid}).
 */
final class ResponseWriter {
    private static final int NO_EDNS_LIMIT = 512;
    private static final int TCP_LIMIT = 65535;

    private final int udpTruncationThreshold;
    private final ServerIdentity identity;

    ResponseWriter(int udpTruncationThreshold, ServerIdentity identity) {
        this.udpTruncationThreshold = udpTruncationThreshold;
        this.identity = identity;
    }

    byte[] write(Message query, Answer answer, OPTRecord queryOpt, boolean tcp) {
        return write(query, answer, queryOpt, tcp, -1);
    }

    byte[] write(Message query, Answer answer, OPTRecord queryOpt, boolean tcp, long expire) {
        return write(query, answer, queryOpt, tcp, expire, 0);
    }

    /**
     * @param expire the EDNS EXPIRE value to add (RFC 7314), or -1 for none
     * @param reserve bytes to keep free under the size limit for a TSIG record added after encoding
     */
    byte[] write(Message query, Answer answer, OPTRecord queryOpt, boolean tcp, long expire, int reserve) {
        int limit = limit(queryOpt, tcp) - reserve;
        Message response = header(query, answer.rcode(), queryOpt, expire);
        if (answer.authoritative()) {
            response.getHeader().setFlag(Flags.AA);
        }
        boolean dnssec = dnssecOk(queryOpt);
        add(response, answer.answer(), Section.ANSWER, dnssec);
        add(response, answer.authority(), Section.AUTHORITY, dnssec);
        add(response, answer.additional(), Section.ADDITIONAL, dnssec);
        byte[] wire = response.toWire();
        if (wire.length <= limit) {
            return wire;
        }
        if (!answer.referral() && !answer.additional().isEmpty()) {
            // Additional addresses are a courtesy (RFC 2181 9): drop them before truncating. Answer and authority
            // are never sent without their RRSIGs (RFC 4035 3.1.1): what does not fit then is truncated.
            response.removeAllRecords(Section.ADDITIONAL);
            addOpt(response, queryOpt);
            wire = response.toWire();
            if (wire.length <= limit) {
                return wire;
            }
        }
        Message truncated = header(query, answer.rcode(), queryOpt);
        if (answer.authoritative()) {
            truncated.getHeader().setFlag(Flags.AA);
        }
        truncated.getHeader().setFlag(Flags.TC);
        return truncated.toWire();
    }

    /** The answer to a NOTIFY: the question echoed, AA set when accepted (RFC 1996 4.7). */
    byte[] notifyAnswer(Message query, int rcode, OPTRecord queryOpt) {
        Message response = header(query, rcode, queryOpt);
        if (rcode == org.xbill.DNS.Rcode.NOERROR) {
            response.getHeader().setFlag(Flags.AA);
        }
        return response.toWire();
    }

    byte[] rcodeOnly(Message query, int rcode, OPTRecord queryOpt, boolean tcp) {
        return header(query, rcode, queryOpt).toWire();
    }

    /** NOTAUTH for a query whose signature failed, with the TSIG error in a TSIG record (RFC 8945 5.2). */
    byte[] tsigError(Message query, int error, TSIG key, OPTRecord queryOpt) {
        Message response = header(query, Rcode.NOTAUTH, queryOpt);
        TsigErrors.report(response, query, error, key);
        return response.toWire();
    }

    private int limit(OPTRecord queryOpt, boolean tcp) {
        if (tcp) {
            return TCP_LIMIT;
        }
        if (queryOpt == null) {
            return NO_EDNS_LIMIT;
        }
        return Math.min(Math.max(NO_EDNS_LIMIT, queryOpt.getPayloadSize()), udpTruncationThreshold);
    }

    private Message header(Message query, int rcode, OPTRecord queryOpt) {
        return header(query, rcode, queryOpt, -1);
    }

    private Message header(Message query, int rcode, OPTRecord queryOpt, long expire) {
        Header queryHeader = query.getHeader();
        Message response = new Message(queryHeader.getID());
        Header header = response.getHeader();
        header.setFlag(Flags.QR);
        header.setOpcode(queryHeader.getOpcode());
        // RD and CD are echoed (RFC 1035 4.1.1, RFC 4035 3.1.6), except in NOTIMP for an opcode we do not serve:
        // that echoes no flag of the query, as BIND answers it.
        boolean echo = rcode != Rcode.NOTIMP || queryHeader.getOpcode() == Opcode.QUERY;
        if (echo && queryHeader.getFlag(Flags.RD)) {
            header.setFlag(Flags.RD);
        }
        if (echo && queryHeader.getFlag(Flags.CD)) {
            header.setFlag(Flags.CD);
        }
        Record question = query.getQuestion();
        if (question != null) {
            response.addRecord(question, Section.QUESTION);
        }
        // The low four bits go in the header; the rest in the OPT record (RFC 6891 6.1.3).
        header.setRcode(rcode & 0xF);
        addOpt(response, queryOpt, rcode, expire);
        return response;
    }

    private void addOpt(Message response, OPTRecord queryOpt) {
        addOpt(response, queryOpt, response.getHeader().getRcode(), -1);
    }

    private void addOpt(Message response, OPTRecord queryOpt, int rcode, long expire) {
        if (queryOpt == null) {
            return;
        }
        // RFC 3225 3: the DO bit is copied from the query into the response.
        int flags = dnssecOk(queryOpt) ? ExtendedFlags.DO : 0;
        List<EDNSOption> options = new ArrayList<>(identity.nsid(queryOpt));
        if (expire >= 0) {
            options.add(ExpireOption.of(expire));
        }
        response.addRecord(new OPTRecord(udpTruncationThreshold, rcode >>> 4, 0, flags, options), Section.ADDITIONAL);
    }

    /**
     * Adds the RRsets of one section: their records, and their RRSIGs when the query had DO (RFC 4035 3.1.1). A
     * signature-only RRset is the answer to a query for type RRSIG and is sent either way.
     */
    private static void add(Message response, List<RRset> rrsets, int section, boolean dnssec) {
        for (RRset rrset : rrsets) {
            for (Record record : rrset.rrs(false)) {
                response.addRecord(record, section);
            }
            if (dnssec || rrset.size() == 0) {
                for (Record sig : rrset.sigs()) {
                    response.addRecord(sig, section);
                }
            }
        }
    }

    /** The DO bit of the query's OPT record (RFC 3225 3). */
    static boolean dnssecOk(OPTRecord queryOpt) {
        return queryOpt != null && (queryOpt.getFlags() & ExtendedFlags.DO) != 0;
    }
}
