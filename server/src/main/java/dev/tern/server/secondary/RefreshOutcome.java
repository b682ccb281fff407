package dev.tern.server.secondary;

import static java.util.Objects.requireNonNull;

import java.util.List;
import dev.tern.server.xfr.TransferResult.Failure;
import dev.tern.server.xfr.TransferStats;

/** How one refresh of a secondary zone ended; each outcome is one log line. */
public sealed interface RefreshOutcome {
    /** One line for the log, after {@code [zone] }. */
    String describe();

    /**
     * The primary has no newer serial.
     *
     * @param expire the primary's EDNS EXPIRE (RFC 7314), or -1 when it sent none
     */
    record UpToDate(Primary primary, long serial, long expire) implements RefreshOutcome {
        @Override
        public String describe() {
            return "refresh from " + primary + ": up to date, serial " + serial;
        }
    }

    /**
     * A transfer was applied.
     *
     * @param fromSerial the serial before, or -1 when the zone had no data
     * @param mssAuto the MSS came from the automatic fallback after a stall (now or remembered)
     * @param expire the primary's EDNS EXPIRE (RFC 7314) from the SOA check, or -1 when it sent none
     */
    record Transferred(Primary primary, String type, long fromSerial, long toSerial, TransferStats stats,
                       boolean mssAuto, long expire) implements RefreshOutcome {
        @Override
        public String describe() {
            return String.format(java.util.Locale.ROOT,
                    "%s-in from %s: finished, serial %s -> %d, %.2f s, %d messages, %d bytes, mss %s%s", type,
                    primary, fromSerial < 0 ? "none" : Long.toString(fromSerial), toSerial,
                    stats.elapsed().toMillis() / 1000.0, stats.messages(), stats.bytes(),
                    stats.mss() == 0 ? "kernel" : Integer.toString(stats.mss()), mssAuto ? " (auto)" : "");
        }
    }

    /** Every primary failed; the attempts say which, at which step, and why. */
    record Failed(List<Attempt> attempts) implements RefreshOutcome {
        public Failed {
            attempts = List.copyOf(attempts);
            if (attempts.isEmpty()) {
                throw new IllegalArgumentException("attempts: empty (expected: at least one)");
            }
        }

        @Override
        public String describe() {
            StringBuilder line = new StringBuilder("refresh failed: ");
            for (int i = 0; i < attempts.size(); i++) {
                line.append(i == 0 ? "" : "; ").append(attempts.get(i).describe());
            }
            return line.toString();
        }

        /** The failure of the last primary tried, for the status and the metrics. */
        public Attempt last() {
            return attempts.get(attempts.size() - 1);
        }
    }

    /** What went wrong with one primary: the step (SOA, IXFR, AXFR, apply), the class of failure and details. */
    record Attempt(Primary primary, String step, Failure failure, String detail) {
        public Attempt {
            requireNonNull(step, "step");
            requireNonNull(detail, "detail");
        }

        public String describe() {
            return (primary == null ? "" : step + " from " + primary + ": ") + detail;
        }
    }
}
