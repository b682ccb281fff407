package dev.tern.server.control;

import java.time.Duration;
import java.util.Locale;

/** PowerDNS's {@code uptime} wording: seconds, then minutes, hours, days, months with a few digits. */
final class Uptime {
    private Uptime() {
    }

    static String format(Duration uptime) {
        double seconds = uptime.toMillis() / 1000.0;
        if (seconds < 60) {
            return (long) seconds + " seconds";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%.2g minutes", seconds / 60);
        }
        if (seconds < 86400) {
            return String.format(Locale.ROOT, "%.3g hours", seconds / 3600);
        }
        if (seconds < 86400 * 30.41) {
            return String.format(Locale.ROOT, "%.3g days", seconds / 86400);
        }
        return String.format(Locale.ROOT, "%.3g months", seconds / (86400 * 30.41));
    }
}
