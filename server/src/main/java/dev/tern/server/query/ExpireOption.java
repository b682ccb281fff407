package dev.tern.server.query;

import java.util.List;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.OPTRecord;

/**
 * The EDNS EXPIRE option (RFC 7314): empty in a query, four bytes in an answer, the seconds left before the
 * answering server's copy of the zone expires (a primary's is the SOA expire field).
 */
public final class ExpireOption {
    public static final int CODE = 9;

    private ExpireOption() {
    }

    /** Whether a query's OPT record asks for EXPIRE. */
    public static boolean requested(OPTRecord opt) {
        return opt != null && !opt.getOptions(CODE).isEmpty();
    }

    /** The option carrying {@code seconds}. */
    public static EDNSOption of(long seconds) {
        long value = Math.max(0, Math.min(seconds, 0xFFFFFFFFL));
        return new GenericEDNSOption(CODE, new byte[] {(byte) (value >>> 24), (byte) (value >>> 16),
                (byte) (value >>> 8), (byte) value});
    }

    /** The value in an answer's OPT record, or -1 when there is none (or it is malformed). */
    public static long value(OPTRecord opt) {
        if (opt == null) {
            return -1;
        }
        List<EDNSOption> options = opt.getOptions(CODE);
        if (options.isEmpty()) {
            return -1;
        }
        // toWire() is code (2 bytes), length (2 bytes), then the data.
        byte[] wire = options.get(0).toWire();
        if (wire.length != 8) {
            return -1;
        }
        return ((wire[4] & 0xFFL) << 24) | ((wire[5] & 0xFFL) << 16) | ((wire[6] & 0xFFL) << 8) | (wire[7] & 0xFFL);
    }
}
