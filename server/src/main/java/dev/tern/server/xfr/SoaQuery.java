package dev.tern.server.xfr;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import java.util.List;
import dev.tern.server.query.ExpireOption;
import dev.tern.server.query.TsigErrors;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import dev.tern.server.xfr.TransferResult.Failure;

/**
 * Asks a primary for a zone's SOA: UDP first, TCP when the answer is truncated, signed and verified with TSIG when
 * a key is given. Blocking: call from a worker thread.
 */
public final class SoaQuery {
    /** The answer: the primary's SOA, or why there is none. */
    public sealed interface Result {
    }

    /**
     * The primary's SOA for the zone.
     *
     * @param expire the EDNS EXPIRE option's value (RFC 7314), or -1 when the primary sent none
     */
    public record Answer(SOARecord soa, long expire) implements Result {
    }

    /** No usable SOA; {@code rcode} is set for {@link Failure#RCODE}. */
    public record Failed(Failure failure, int rcode, String detail) implements Result {
    }

    /** Sends the query and waits at most {@code timeout} per try. */
    public Result query(Name zone, InetSocketAddress primary, InetAddress source, TSIG tsig, Duration timeout) {
        SimpleResolver resolver = new SimpleResolver(primary);
        if (source != null) {
            resolver.setLocalAddress(new InetSocketAddress(source, 0));
        }
        if (tsig != null) {
            resolver.setTSIGKey(tsig);
        }
        resolver.setTimeout(timeout);
        Message query = Message.newQuery(Record.newRecord(zone, Type.SOA, DClass.IN));
        query.getHeader().unsetFlag(Flags.RD);
        // RFC 7314: ask for the EXPIRE the primary has left, which matters when it is itself a secondary.
        query.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new GenericEDNSOption(ExpireOption.CODE,
                new byte[0]))), Section.ADDITIONAL);
        Message response;
        try {
            response = resolver.send(query);
        } catch (SocketTimeoutException e) {
            return new Failed(Failure.NO_ANSWER, 0, "no answer to the SOA query within " + timeout.toMillis()
                    + " ms" + (source == null ? "" : " from source " + source.getHostAddress()));
        } catch (IOException e) {
            String message = String.valueOf(e.getMessage());
            if (message.toLowerCase(java.util.Locale.ROOT).contains("refused")) {
                return new Failed(Failure.CONNECT_REFUSED, 0, "SOA query refused by the network (port closed)");
            }
            return new Failed(Failure.NO_ANSWER, 0, "SOA query failed: " + message);
        }
        if (tsig != null && !response.isVerified()) {
            int reported = TsigErrors.reported(response);
            if (reported != Rcode.NOERROR) {
                return new Failed(Failure.TSIG, response.getRcode(), "the primary rejected the signature of the SOA"
                        + " query, " + TsigErrors.explain(reported));
            }
            return new Failed(Failure.TSIG, response.getRcode(), "the SOA answer "
                    + (response.getTSIG() == null ? "is not signed" : "has a TSIG that does not verify")
                    + " (rcode " + Rcode.string(response.getRcode()) + "; check the key on both sides)");
        }
        if (response.getRcode() != Rcode.NOERROR) {
            return new Failed(Failure.RCODE, response.getRcode(), "the primary answered the SOA query with "
                    + Rcode.string(response.getRcode()));
        }
        for (Record record : response.getSection(Section.ANSWER)) {
            if (record instanceof SOARecord && record.getName().equals(zone)) {
                if (!response.getHeader().getFlag(Flags.AA)) {
                    return new Failed(Failure.BAD_DATA, 0, "the SOA answer is not authoritative (AA clear):"
                            + " the primary does not serve the zone");
                }
                return new Answer((SOARecord) record, ExpireOption.value(response.getOPT()));
            }
        }
        return new Failed(Failure.BAD_DATA, 0, "the SOA answer holds no SOA for " + zone);
    }
}
