package dev.tern.server.secondary;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import dev.tern.config.ConfigLoader;
import dev.tern.server.Server;
import dev.tern.server.store.JdbcZoneStore;
import dev.tern.server.zone.ZoneKind;

/**
 * Floods over real UDP: thousands of forged NOTIFYs and malformed messages make a few log lines and a summary at
 * the end, and every one of them is counted.
 */
class NotifyFloodTest {
    private static final Name ZONE = Name.fromConstantString("notify.test.");
    private static final int FORGED = 3000;
    private static final int MALFORMED = 500;

    private static ListAppender<ILoggingEvent> capture(String loggerName) {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(loggerName);
        logger.setLevel(Level.INFO);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        return appender;
    }

    private static void release(String loggerName, ListAppender<ILoggingEvent> appender) {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(loggerName);
        logger.detachAppender(appender);
        logger.setLevel(null);
    }

    /** Sends each message from {@code from} and waits for its answer; returns the rcodes seen. */
    private static int[] exchange(String from, int port, byte[] wire, int times) throws Exception {
        int[] rcodes = new int[24];
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(from), 0))) {
            socket.setSoTimeout(3000);
            InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
            byte[] buffer = new byte[512];
            for (int i = 0; i < times; i++) {
                socket.send(new DatagramPacket(wire, wire.length, server));
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                socket.receive(packet);
                rcodes[buffer[3] & 0xF]++;
            }
        }
        return rcodes;
    }

    private static byte[] notify(String zone) throws Exception {
        Message notify = Message.newQuery(Record.newRecord(Name.fromString(zone), Type.SOA, DClass.IN));
        notify.getHeader().setOpcode(Opcode.NOTIFY);
        notify.getHeader().unsetFlag(Flags.RD);
        notify.getHeader().setFlag(Flags.AA);
        return notify.toWire();
    }

    @Test
    void thousandsOfForgedNotifiesMakeOneLinePerSourceAndASummaryAndAreAllCounted(@TempDir Path dir)
            throws Exception {
        int dead;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            dead = socket.getLocalPort();
        }
        Path database = dir.resolve("tern.sqlite3");
        try (JdbcZoneStore store = JdbcZoneStore.openSqlite(database, 5000, 3600)) {
            store.createZone(ZONE, ZoneKind.SECONDARY, "127.0.0.1:" + dead);
        }
        String notifyLogger = "dev.tern.server.events.NotifyIn";
        String queryLogger = "dev.tern.server.query.QueryHandler";
        ListAppender<ILoggingEvent> notifyLines = capture(notifyLogger);
        ListAppender<ILoggingEvent> queryLines = capture(queryLogger);
        try {
            MeterRegistry registry;
            try (Server tern = new Server(new ConfigLoader().load(List.of("local-address=127.0.0.1", "local-port=0",
                    "gsqlite3-database=" + database, "sql-poll-interval=0", "socket-dir=" + dir, "secondary=yes",
                    "min-refresh-interval=3600", "soa-query-timeout=1"))).start(false)) {
                registry = tern.metrics().registry();
                // 127.0.0.2 is not the zone's primary; other.test. is not a zone of ours: the same reason, refused.
                assertThat(exchange("127.0.0.2", tern.port(), notify("notify.test."), FORGED)[Rcode.REFUSED])
                        .isEqualTo(FORGED);
                assertThat(exchange("127.0.0.2", tern.port(), notify("other.test."), FORGED)[Rcode.REFUSED])
                        .isEqualTo(FORGED);
                assertThat(exchange("127.0.0.3", tern.port(), notify("notify.test."), FORGED)[Rcode.REFUSED])
                        .isEqualTo(FORGED);
                // A header that promises a question that is not there.
                byte[] garbage = {0x12, 0x34, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x07, 'x'};
                assertThat(exchange("127.0.0.4", tern.port(), garbage, MALFORMED)[Rcode.FORMERR]).isEqualTo(MALFORMED);

                assertThat(info(notifyLines)).as("one line per source while the window lasts").hasSize(2)
                        .allMatch(line -> line.contains("NOTIFY from 127.0.0."));
                assertThat(info(queryLines)).singleElement().asString()
                        .startsWith("message from 127.0.0.4: FORMERR, malformed: ");
                assertThat(registry.get("tern.log.events").tag("reason", "notify_refused").counter().count())
                        .isEqualTo(3 * FORGED);
                assertThat(registry.get("tern.log.suppressed").tag("reason", "notify_refused").counter().count())
                        .isEqualTo(3 * FORGED - 2);
                assertThat(registry.get("tern.notify.in").tag("result", "refused").counter().count())
                        .isEqualTo(3 * FORGED);
                assertThat(registry.get("tern.log.events").tag("reason", "malformed").counter().count())
                        .isEqualTo(MALFORMED);
            }
            // At shutdown the limit tells what it held back.
            assertThat(info(notifyLines)).hasSize(4).contains(
                    "suppressed " + (2 * FORGED - 1) + " similar messages: NOTIFY refused from 127.0.0.2",
                    "suppressed " + (FORGED - 1) + " similar messages: NOTIFY refused from 127.0.0.3");
            assertThat(info(queryLines)).hasSize(2)
                    .contains("suppressed " + (MALFORMED - 1) + " similar messages: malformed message from 127.0.0.4");
        } finally {
            release(notifyLogger, notifyLines);
            release(queryLogger, queryLines);
        }
    }

    private static List<String> info(ListAppender<ILoggingEvent> appender) {
        synchronized (appender) {
            return appender.list.stream().filter(line -> line.getLevel().isGreaterOrEqual(Level.INFO))
                    .map(ILoggingEvent::getFormattedMessage).toList();
        }
    }
}
