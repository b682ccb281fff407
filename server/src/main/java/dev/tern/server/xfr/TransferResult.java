package dev.tern.server.xfr;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import dev.tern.server.zone.ZoneChange;

/** How a transfer ended: a whole zone, a list of changes, nothing to do, or a failure with its cause. */
public sealed interface TransferResult {
    TransferStats stats();

    /**
     * A complete zone (AXFR, or an IXFR answered AXFR-style): every record, the SOA once, first; with an
     * {@link AxfrSink}, only the records after the last batch it was given.
     */
    record Zone(SOARecord soa, List<Record> records, boolean askedIxfr, TransferStats stats)
            implements TransferResult {
        public Zone {
            requireNonNull(soa, "soa");
            records = List.copyOf(records);
        }
    }

    /** An incremental answer: the changes from our serial to {@code soa}'s, in order. */
    record Incremental(SOARecord soa, List<ZoneChange> deltas, TransferStats stats) implements TransferResult {
        public Incremental {
            requireNonNull(soa, "soa");
            deltas = List.copyOf(deltas);
        }
    }

    /** An IXFR answered with the single SOA we already hold. */
    record UpToDate(SOARecord soa, TransferStats stats) implements TransferResult {
    }

    /** The transfer failed; {@code rcode} is set for {@link Failure#RCODE}. */
    record Failed(Failure failure, int rcode, String detail, TransferStats stats) implements TransferResult {
        public Failed {
            requireNonNull(failure, "failure");
            requireNonNull(detail, "detail");
        }
    }

    /** Classes of transfer failure, each with what the operator can do about it in the log line. */
    enum Failure {
        CONNECT_REFUSED, CONNECT_TIMEOUT, NO_ANSWER, STALLED, CLOSED, RCODE, TSIG, BAD_DATA, SIZE_LIMIT, DEADLINE,
        IXFR_ONLY_SOA,
        /** Our database failed (locked past the busy timeout, full, unreadable): not the primary's fault. */
        STORE,
        /** A failure inside Tern, not on the network or in the primary's data: a bug to report. */
        INTERNAL
    }
}
