package dev.tern.server.secondary;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import dev.tern.config.Settings;
import dev.tern.config.TernConfig;

/**
 * What the refresh procedure needs from the configuration.
 *
 * @param mss the TCP_MAXSEG for transfers (0 = the kernel's choice)
 * @param autoMss retry a stalled transfer at once with a smaller MSS (1220, then 536)
 * @param sources query-local-address: at most one IPv4 and one IPv6 source, or none
 */
public record XfrSettings(int mss, boolean autoMss, Duration soaTimeout, Duration connectTimeout,
                          Duration idleTimeout, Duration stallTimeout, Duration deadline, long maxBytes,
                          List<InetAddress> sources) {
    public XfrSettings {
        sources = List.copyOf(sources);
    }

    public static XfrSettings from(TernConfig config) {
        return new XfrSettings(config.get(Settings.XFR_TCP_MSS), config.get(Settings.XFR_AUTO_MSS),
                Duration.ofSeconds(config.get(Settings.SOA_QUERY_TIMEOUT)),
                Duration.ofSeconds(config.get(Settings.AXFR_FETCH_TIMEOUT)),
                Duration.ofSeconds(config.get(Settings.AXFR_FETCH_TIMEOUT)),
                Duration.ofSeconds(config.get(Settings.XFR_STALL_TIMEOUT)),
                Duration.ofSeconds(config.get(Settings.XFR_DEADLINE)),
                config.get(Settings.XFR_MAX_RECEIVED_MBYTES) * 1024L * 1024L,
                config.get(Settings.QUERY_LOCAL_ADDRESS));
    }

    /** The source address for a primary of this family, or null. */
    public InetAddress sourceFor(InetAddress primary) {
        for (InetAddress source : sources) {
            if (source.getClass() == primary.getClass()) {
                return source;
            }
        }
        return null;
    }

    /** The next smaller MSS after a stall at {@code mss} (0 = the kernel's, typically 1460), or 0 for none. */
    public static int smallerMss(int mss) {
        if (mss == 0 || mss > 1220) {
            return 1220;
        }
        if (mss > 536) {
            return 536;
        }
        return 0;
    }
}
