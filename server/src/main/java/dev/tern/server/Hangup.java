package dev.tern.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGHUP, which {@code systemctl reload ternd} sends ({@code ExecReload=/bin/kill -HUP $MAINPID}): re-reads
 * {@code tern.conf} where that is safe ({@link ConfigReread}), then the zone list and changed zones from the
 * database at once, as {@code ternctl reload} does. Without this handler the JVM treats SIGHUP as a request to exit,
 * and a reload would stop the daemon. {@code sun.misc.Signal} (module {@code jdk.unsupported}) is the JDK's only way
 * to handle a signal; javac warns about it.
 */
final class Hangup {
    private static final Logger logger = LoggerFactory.getLogger(Hangup.class);

    private Hangup() {
    }

    /** Installs the handler; the JVM runs it on a thread of its own for each signal, so it may wait. */
    static void reloadOn(Server server, ConfigReread config) {
        Signal.handle(new Signal("HUP"), signal -> {
            logger.info("SIGHUP: re-reading tern.conf, then the zone list and changed zones from the database");
            config.run();
            try {
                server.syncNow();
            } catch (Exception e) {
                logger.error("SIGHUP: re-reading the database failed: {}; the zones served are unchanged",
                        dev.tern.server.zone.Problems.describe(e));
            }
        });
    }
}
