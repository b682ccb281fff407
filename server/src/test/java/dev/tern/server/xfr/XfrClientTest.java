package dev.tern.server.xfr;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import dev.tern.server.testing.KnotPrimary;
import dev.tern.server.testing.TestZones;
import dev.tern.server.xfr.TransferResult.Failure;

/** The transfer client against a real knotd, and against fake primaries that misbehave in each known way. */
class XfrClientTest {
    private static final String SECRET = "c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlY3JldA==";
    private static final Name ZONE = Name.fromConstantString("xfr.test.");
    private static XfrClient client;

    @BeforeAll
    static void start() {
        client = new XfrClient();
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    static String zone(long serial, int hosts, String extra) {
        StringBuilder text = new StringBuilder("$ORIGIN xfr.test.\n$TTL 300\n@ SOA ns1 hostmaster " + serial
                + " 60 30 3600 60\n@ NS ns1\nns1 A 127.0.0.1\n");
        for (int i = 0; i < hosts; i++) {
            text.append("host").append(i).append(" A 127.0.").append(i / 250).append('.').append(i % 250 + 1)
                    .append('\n');
        }
        return text.append(extra).toString();
    }

    static TransferRequest request(int port, int qtype, SOARecord current, TSIG tsig) {
        return new TransferRequest(ZONE, qtype, current, new InetSocketAddress("127.0.0.1", port), null, tsig, 1220,
                Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(20), 0);
    }

    static TransferResult run(TransferRequest request) throws Exception {
        return client.transfer(request).get(30, TimeUnit.SECONDS);
    }

    @Test
    void axfrThenIxfrFromKnotWithTsig(@TempDir Path dir) throws Exception {
        String key = "hmac-sha256:xfr-key:" + SECRET;
        try (KnotPrimary knot = KnotPrimary.start(dir, "xfr.test", zone(1, 3000, ""), key)) {
            TSIG tsig = new TSIG(TSIG.HMAC_SHA256, Name.fromString("xfr-key."), SECRET);
            TransferResult axfr = run(request(knot.port(), Type.AXFR, null, tsig));
            assertThat(axfr).isInstanceOf(TransferResult.Zone.class);
            TransferResult.Zone zone = (TransferResult.Zone) axfr;
            assertThat(zone.soa().getSerial()).isEqualTo(1);
            assertThat(zone.records()).hasSize(3003);
            assertThat(zone.stats().messages()).isGreaterThan(1);

            knot.update(zone(2, 3000, "new A 127.0.9.9\n").replace("host7 A 127.0.0.8\n", ""));
            TransferResult ixfr = run(request(knot.port(), Type.IXFR, zone.soa(), tsig));
            assertThat(ixfr).isInstanceOf(TransferResult.Incremental.class);
            TransferResult.Incremental changes = (TransferResult.Incremental) ixfr;
            assertThat(changes.soa().getSerial()).isEqualTo(2);
            assertThat(changes.deltas()).hasSize(1);
            assertThat(changes.deltas().get(0).removed()).extracting(TestZones::line)
                    .containsExactly("host7.xfr.test. 300 A 127.0.0.8");
            assertThat(changes.deltas().get(0).added()).extracting(TestZones::line)
                    .containsExactly("new.xfr.test. 300 A 127.0.9.9");

            TransferResult current = run(request(knot.port(), Type.IXFR, changes.soa(), tsig));
            assertThat(current).isInstanceOf(TransferResult.UpToDate.class);

            TSIG wrong = new TSIG(TSIG.HMAC_SHA256, Name.fromString("xfr-key."), "d3Jvbmctc2VjcmV0");
            TransferResult refused = run(request(knot.port(), Type.AXFR, null, wrong));
            assertThat(refused).isInstanceOfSatisfying(TransferResult.Failed.class,
                    failed -> assertThat(failed.failure()).isIn(Failure.TSIG, Failure.RCODE));
            TransferResult unsigned = run(request(knot.port(), Type.AXFR, null, null));
            assertThat(unsigned).isInstanceOfSatisfying(TransferResult.Failed.class, failed -> {
                assertThat(failed.failure()).isEqualTo(Failure.RCODE);
                assertThat(failed.rcode()).isIn(Rcode.NOTAUTH, Rcode.REFUSED);
            });
        }
    }

    @Test
    void aTransferOverTheSizeLimitIsRefused() throws Exception {
        try (FakePrimary fake = FakePrimary.start((in, out) -> {
            FakePrimary.readQuery(in);
            out.writeShort(60000);
            out.write(new byte[20000]);
            out.flush();
            Thread.sleep(3000);
        })) {
            TransferRequest small = new TransferRequest(ZONE, Type.AXFR, null,
                    new InetSocketAddress("127.0.0.1", fake.port()), null, null, 1220, Duration.ofSeconds(2),
                    Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(20), 10_000);
            TransferResult result = run(small);
            assertThat(result).isInstanceOfSatisfying(TransferResult.Failed.class, failed -> {
                assertThat(failed.failure()).isEqualTo(Failure.SIZE_LIMIT);
                assertThat(failed.detail()).startsWith("received ").contains(
                        "bytes, more than xfr-max-received-mbytes=0.010 (10000 bytes) allows");
            });
        }
    }

    @Test
    void aClosedPortIsConnectRefused() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            port = socket.getLocalPort();
        }
        TransferResult result = run(request(port, Type.AXFR, null, null));
        assertThat(result).isInstanceOfSatisfying(TransferResult.Failed.class,
                failed -> assertThat(failed.failure()).isEqualTo(Failure.CONNECT_REFUSED));
    }

    @Test
    void aPrimaryThatAcceptsAndNeverAnswersIsNoAnswer() throws Exception {
        try (FakePrimary fake = FakePrimary.start((in, out) -> Thread.sleep(5000))) {
            TransferResult result = run(request(fake.port(), Type.AXFR, null, null));
            assertThat(result).isInstanceOfSatisfying(TransferResult.Failed.class, failed -> {
                assertThat(failed.failure()).isEqualTo(Failure.NO_ANSWER);
                assertThat(failed.detail()).contains("no answer within 2.0 s");
            });
        }
    }

    @Test
    void dataThatStopsFlowingIsAStall() throws Exception {
        try (FakePrimary fake = FakePrimary.start((in, out) -> {
            FakePrimary.readQuery(in);
            out.writeShort(4000);
            out.write(new byte[1500]);
            out.flush();
            Thread.sleep(5000);
        })) {
            TransferResult result = run(request(fake.port(), Type.AXFR, null, null));
            assertThat(result).isInstanceOfSatisfying(TransferResult.Failed.class, failed -> {
                assertThat(failed.failure()).isEqualTo(Failure.STALLED);
                assertThat(failed.detail()).isEqualTo("stalled after 1502 bytes");
                assertThat(failed.stats().bytes()).isEqualTo(1502);
            });
        }
    }

    @Test
    void garbageIsBadData() throws Exception {
        try (FakePrimary fake = FakePrimary.start((in, out) -> {
            FakePrimary.readQuery(in);
            out.writeShort(20);
            out.write(new byte[20]);
            out.flush();
            Thread.sleep(3000);
        })) {
            TransferResult result = run(request(fake.port(), Type.AXFR, null, null));
            assertThat(result).isInstanceOfSatisfying(TransferResult.Failed.class,
                    failed -> assertThat(failed.failure()).isEqualTo(Failure.BAD_DATA));
        }
    }

    @Test
    void aPrimaryThatClosesMidTransferIsClosed() throws Exception {
        try (FakePrimary fake = FakePrimary.start((in, out) -> {
            FakePrimary.readQuery(in);
            out.writeShort(4000);
            out.write(new byte[100]);
            out.flush();
        })) {
            TransferResult result = run(request(fake.port(), Type.AXFR, null, null));
            assertThat(result).isInstanceOfSatisfying(TransferResult.Failed.class, failed -> {
                assertThat(failed.failure()).isEqualTo(Failure.CLOSED);
                assertThat(failed.detail()).contains("after 102 bytes");
            });
        }
    }

    /** A TCP server on 127.0.0.1 that runs a script against the first connection. */
    static final class FakePrimary implements AutoCloseable {
        interface Script {
            void run(DataInputStream in, DataOutputStream out) throws Exception;
        }

        private final ServerSocket server;
        private final Thread thread;

        private FakePrimary(ServerSocket server, Thread thread) {
            this.server = server;
            this.thread = thread;
        }

        static FakePrimary start(Script script) throws Exception {
            ServerSocket server = new ServerSocket(0, 5, InetAddress.getByName("127.0.0.1"));
            Thread thread = new Thread(() -> {
                try (Socket socket = server.accept()) {
                    script.run(new DataInputStream(socket.getInputStream()),
                            new DataOutputStream(socket.getOutputStream()));
                } catch (Exception e) {
                    // The client went away or the test ended.
                }
            }, "fake-primary");
            thread.setDaemon(true);
            thread.start();
            return new FakePrimary(server, thread);
        }

        static byte[] readQuery(DataInputStream in) throws Exception {
            byte[] query = new byte[in.readUnsignedShort()];
            in.readFully(query);
            return query;
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            server.close();
            thread.interrupt();
            thread.join(5000);
        }
    }
}
