package dev.tern.server.query;

import java.time.Instant;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;

/**
 * TSIG errors, both ways. As a server, an answer to a query whose signature failed carries that failure back
 * (RFC 8945 5.2 and 5.3.2): a TSIG record with the query's key name and algorithm and the error, without a MAC
 * (BADKEY, BADSIG), or signed with the key (BADTIME), so the other side can log why. As a client, the error the
 * other side sent is put in words an operator can act on.
 */
public final class TsigErrors {
    private TsigErrors() {
    }

    /** Adds to {@code response} the TSIG record that reports {@code error} about the signature of {@code query}. */
    public static void report(Message response, Message query, int error, TSIG key) {
        TSIGRecord signature = query.getTSIG();
        if (signature == null) {
            return;
        }
        if (error == Rcode.BADTIME && key != null) {
            key.apply(response, Rcode.BADTIME, signature);
            return;
        }
        response.addRecord(new TSIGRecord(signature.getName(), DClass.ANY, 0, signature.getAlgorithm(),
                Instant.now(), signature.getFudge(), new byte[0], response.getHeader().getID(), error, null),
                Section.ADDITIONAL);
    }

    /** The TSIG error the other side reported in {@code answer}, or NOERROR when it reported none. */
    public static int reported(Message answer) {
        TSIGRecord signature = answer.getTSIG();
        return signature == null ? Rcode.NOERROR : signature.getError();
    }

    /** What a TSIG error means and what to check, e.g. "BADSIG: the key's name matches but its secret does not". */
    public static String explain(int error) {
        switch (error) {
            case Rcode.BADKEY:
                return "BADKEY: the other side has no key of this name and algorithm";
            case Rcode.BADSIG:
                return "BADSIG: the key's name and algorithm match but its secret does not";
            case Rcode.BADTIME:
                return "BADTIME: the two clocks differ by more than the fudge (300 s); check NTP on both hosts";
            default:
                return Rcode.TSIGstring(error);
        }
    }
}
