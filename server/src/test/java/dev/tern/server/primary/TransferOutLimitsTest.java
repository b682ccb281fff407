package dev.tern.server.primary;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import dev.tern.server.testing.RawTcpClient;
import dev.tern.server.testing.TernProcess;

/**
 * Transfers out under pressure: many clients against the concurrency limit, and a client that asks and then reads
 * nothing, which must not hold its slot for ever.
 */
class TransferOutLimitsTest {
    /**
     * More than a loopback send buffer holds (about 55 bytes a record, 4 MiB at most), so a transfer to a client
     * that does not read stays in flight.
     */
    private static final int HOSTS = 100_000;

    private static final String ORIGIN = "xfr.test.";
    private final ListAppender<ILoggingEvent> log = new ListAppender<>();

    @BeforeEach
    void captureLog() {
        ((Logger) LoggerFactory.getLogger("dev.tern.server.xfr")).addAppender(log);
        log.start();
    }

    @AfterEach
    void releaseLog() {
        ((Logger) LoggerFactory.getLogger("dev.tern.server.xfr")).detachAppender(log);
    }

    @Test
    void hundredClientsAgainstALimitOfTenGetTenTransfersAndNinetyRefusals(@TempDir Path dir) throws Exception {
        // All hundred clients come from 127.0.0.1: lift the per-client cap on TCP connections (20 by default).
        try (TernProcess tern = TernProcess.start(dir, List.of("xfr-out-max-concurrent=10",
                "xfr-out-max-per-client=100", "xfr-out-write-timeout=30", "max-tcp-connections-per-client=0"), ORIGIN,
                TransferOutTest.zone(1, HOSTS))) {
            List<RawTcpClient> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 100; i++) {
                    // Small receive buffers, and nobody reads yet: the first ten transfers stay in flight (the zone
                    // is larger than the most a loopback send buffer grows to, tcp_wmem's 4 MiB).
                    RawTcpClient client = new RawTcpClient(tern.port(), 4096, 20_000);
                    client.send(axfr());
                    clients.add(client);
                }
                int complete = 0;
                int refused = 0;
                for (RawTcpClient client : clients) {
                    Message first = client.read();
                    if (first.getRcode() == Rcode.REFUSED) {
                        refused++;
                    } else if (first.getRcode() == Rcode.NOERROR && readToEnd(client, first) == HOSTS + 4 + 2) {
                        complete++;
                    }
                }
                assertThat(complete).isEqualTo(10);
                assertThat(refused).isEqualTo(90);
            } finally {
                for (RawTcpClient client : clients) {
                    client.close();
                }
            }
            try (RawTcpClient after = new RawTcpClient(tern.port(), 0, 20_000)) {
                after.send(axfr());
                assertThat(readToEnd(after, after.read())).as("the slots are free again").isEqualTo(HOSTS + 6);
            }
        }
        assertThat(List.copyOf(log.list)).anyMatch(e -> e.getFormattedMessage().contains("REFUSED, 10 transfers are"
                + " running (10 at most"));
    }

    @Test
    void aClientThatReadsNothingIsCutOffAndItsSlotFreed(@TempDir Path dir) throws Exception {
        try (TernProcess tern = TernProcess.start(dir, List.of("xfr-out-max-concurrent=1",
                "xfr-out-write-timeout=2"), ORIGIN, TransferOutTest.zone(1, 20_000))) {
            try (RawTcpClient silent = new RawTcpClient(tern.port(), 4096, 20_000)) {
                silent.send(axfr());
                // The silent client's transfer must hold the only slot before anyone else asks.
                String started = "AXFR-out to 127.0.0.1:" + silent.localPort() + ": started";
                long startDeadline = System.nanoTime() + 10_000_000_000L;
                while (logged().stream().noneMatch(e -> e.getFormattedMessage().contains(started))
                        && System.nanoTime() < startDeadline) {
                    Thread.sleep(20);
                }
                boolean served = false;
                long deadline = System.nanoTime() + 15_000_000_000L;
                while (!served && System.nanoTime() < deadline) {
                    try (RawTcpClient next = new RawTcpClient(tern.port(), 0, 20_000)) {
                        next.send(axfr());
                        Message first = next.read();
                        served = first.getRcode() == Rcode.NOERROR && readToEnd(next, first) == 20_000 + 6;
                    }
                    if (!served) {
                        Thread.sleep(250);
                    }
                }
                assertThat(served).as("a second client was served once the silent one was cut off").isTrue();
            }
        }
        assertThat(List.copyOf(log.list)).anyMatch(e -> e.getFormattedMessage().matches("\\[xfr.test.] AXFR-out to"
                + " 127.0.0.1:\\d+: abandoned after \\d+ messages .*no progress for 2 s"
                + " \\(xfr-out-write-timeout\\): the client stopped reading.*"));
    }

    /** A copy of the captured log, taken while appender threads may add to it. */
    private List<ILoggingEvent> logged() {
        for (int i = 0; i < 100; i++) {
            try {
                return List.copyOf(log.list);
            } catch (java.util.ConcurrentModificationException e) {
                Thread.onSpinWait();
            }
        }
        return List.of();
    }

    static Message axfr() throws Exception {
        return Message.newQuery(Record.newRecord(Name.fromString(ORIGIN), Type.AXFR, DClass.IN));
    }

    /** Reads until the closing SOA (bounded); returns the number of records received. */
    static int readToEnd(RawTcpClient client, Message first) throws Exception {
        int records = first.getSection(Section.ANSWER).size();
        int soas = (int) first.getSection(Section.ANSWER).stream().filter(r -> r instanceof SOARecord).count();
        for (int i = 0; i < 10_000 && soas < 2; i++) {
            Message next = client.read();
            if (next == null) {
                return -1;
            }
            records += next.getSection(Section.ANSWER).size();
            soas += (int) next.getSection(Section.ANSWER).stream().filter(r -> r instanceof SOARecord).count();
        }
        return records;
    }
}
