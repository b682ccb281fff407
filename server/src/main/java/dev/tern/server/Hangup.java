package dev.tern.server;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGHUP, which {@code systemctl reload ternd} sends ({@code ExecReload=/bin/kill -HUP $MAINPID}): re-reads the zone
 * list and changed zones from the database at once, as {@code ternctl reload} does. Without this handler the JVM
 * treats SIGHUP as a request to exit, and a reload would stop the daemon. {@code tern.conf} is not re-read: a
 * changed setting needs a restart. {@code sun.misc.Signal} (module {@code jdk.unsupported}) is the JDK's only way to
 * handle a signal; javac warns about it.
 */
final class Hangup {
    private static final Logger logger = LoggerFactory.getLogger(Hangup.class);

    private Hangup() {
    }

    /** Installs the handler; the JVM runs it on a thread of its own for each signal, so it may wait. */
    static void reloadOn(Server server) {
        Signal.handle(new Signal("HUP"), signal -> {
            logger.info("SIGHUP: re-reading the zone list and changed zones from the database");
            try {
                server.syncNow();
            } catch (Exception e) {
                logger.error("SIGHUP: re-reading the database failed: {}; the zones served are unchanged", e.toString());
            }
        });
    }
}
