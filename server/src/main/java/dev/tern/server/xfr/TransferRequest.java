package dev.tern.server.xfr;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.xbill.DNS.Name;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/**
 * One zone transfer to run: what to ask (AXFR, or IXFR from the SOA we hold), whom, from which source address,
 * with which TSIG key and MSS, and the time limits.
 *
 * @param currentSoa the SOA we serve now, required for IXFR (RFC 1995 3), ignored for AXFR
 * @param source the local address to connect from, or null for the kernel's choice
 * @param tsig the key to sign with and to verify every answer with, or null
 * @param mss the TCP_MAXSEG to advertise (set before connect), or 0 for the kernel's choice
 * @param idleTimeout how long to wait for the first byte of the answer after connecting
 * @param stallTimeout how long data may stop flowing, once it began, before the transfer counts as stalled
 * @param deadline the longest a whole transfer may take
 * @param maxBytes the largest transfer accepted (xfr-max-received-mbytes), 0 for no limit
 * @param silenceIsStall count "connected, but not one byte within the stall timeout" as a stall too: behind a
 *     blackhole a primary that sends large messages gets not even its first segment through
 */
public record TransferRequest(Name zone, int qtype, SOARecord currentSoa, InetSocketAddress primary,
                              InetAddress source, TSIG tsig, int mss, Duration connectTimeout, Duration idleTimeout,
                              Duration stallTimeout, Duration deadline, long maxBytes, boolean silenceIsStall) {
    /** A request in which only data that stops flowing counts as a stall. */
    public TransferRequest(Name zone, int qtype, SOARecord currentSoa, InetSocketAddress primary, InetAddress source,
                           TSIG tsig, int mss, Duration connectTimeout, Duration idleTimeout, Duration stallTimeout,
                           Duration deadline, long maxBytes) {
        this(zone, qtype, currentSoa, primary, source, tsig, mss, connectTimeout, idleTimeout, stallTimeout,
                deadline, maxBytes, false);
    }

    public TransferRequest {
        requireNonNull(zone, "zone");
        requireNonNull(primary, "primary");
        requireNonNull(connectTimeout, "connectTimeout");
        requireNonNull(idleTimeout, "idleTimeout");
        requireNonNull(stallTimeout, "stallTimeout");
        requireNonNull(deadline, "deadline");
        if (qtype != Type.AXFR && qtype != Type.IXFR) {
            throw new IllegalArgumentException("qtype: " + Type.string(qtype) + " (expected: AXFR or IXFR)");
        }
        if (qtype == Type.IXFR && currentSoa == null) {
            throw new IllegalArgumentException("currentSoa: null (expected: the SOA we hold, for IXFR)");
        }
        if (mss < 0 || mss > 65535) {
            throw new IllegalArgumentException("mss: " + mss + " (expected: 0 to 65535)");
        }
    }

    /** The same request with another MSS, for a retry after a stall. */
    public TransferRequest withMss(int newMss, boolean silenceIsStallNow) {
        return new TransferRequest(zone, qtype, currentSoa, primary, source, tsig, newMss, connectTimeout,
                idleTimeout, stallTimeout, deadline, maxBytes, silenceIsStallNow);
    }

    /** The same request as an AXFR, for the fallback from IXFR. */
    public TransferRequest asAxfr() {
        return new TransferRequest(zone, Type.AXFR, currentSoa, primary, source, tsig, mss, connectTimeout,
                idleTimeout, stallTimeout, deadline, maxBytes, silenceIsStall);
    }
}
