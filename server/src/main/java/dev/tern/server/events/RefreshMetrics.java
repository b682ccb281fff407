package dev.tern.server.events;

import java.util.Locale;
import dev.tern.server.metrics.TernMetrics;
import dev.tern.server.secondary.RefreshOutcome;

/** The metrics of secondary refreshes: {@code tern_refresh_total} by result and cause, and transfers in. */
final class RefreshMetrics {
    private RefreshMetrics() {
    }

    /** Counts one refresh: its result (with the cause of a failure), and a transfer's size, time and MSS. */
    static void record(TernMetrics metrics, RefreshOutcome outcome) {
        if (outcome instanceof RefreshOutcome.Failed) {
            metrics.refresh("failed", ((RefreshOutcome.Failed) outcome).last().failure().name().toLowerCase(
                    Locale.ROOT));
        } else if (outcome instanceof RefreshOutcome.Transferred) {
            RefreshOutcome.Transferred transferred = (RefreshOutcome.Transferred) outcome;
            metrics.refresh("transferred", null);
            metrics.transfer("in", transferred.type().startsWith("IXFR") && !transferred.type().contains("AXFR")
                    ? "ixfr" : "axfr", "success", transferred.stats().bytes(), transferred.stats().elapsed());
            if (transferred.mssAuto()) {
                metrics.mssFallback(transferred.stats().mss());
            }
        } else {
            metrics.refresh("up_to_date", null);
        }
    }
}
