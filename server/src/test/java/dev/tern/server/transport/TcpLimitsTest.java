package dev.tern.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import dev.tern.server.testing.TernProcess;

/**
 * TCP connections are bounded: idle ones are closed, connections over the cap (in all, and per client) are closed at
 * once, a message must arrive whole within tcp-message-timeout, and a client that does not read stops being read.
 */
class TcpLimitsTest {
    private static final String ZONE = "@ SOA ns hm 1 3600 600 86400 60\n@ NS ns\nns A 127.0.0.1\n";
    /** About 1.4 KB of answer to a 30-byte query. */
    private static final String BIG_ZONE = ZONE + IntStream.range(0, 10)
            .mapToObj(i -> "big TXT \"" + "x".repeat(120) + i + "\"\n").collect(Collectors.joining());

    @TempDir
    Path dir;

    @Test
    void anIdleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
        try (TernProcess tern = TernProcess.start(dir, List.of("tcp-idle-timeout=1"), "t.test.", ZONE);
             Socket socket = new Socket("127.0.0.1", tern.port())) {
            socket.setSoTimeout(5000);
            long start = System.nanoTime();
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(500L, 4000L);
        }
    }

    @Test
    void connectionsOverTheCapAreClosedAndTheOthersStillAnswer() throws Exception {
        try (TernProcess tern = TernProcess.start(dir, List.of("max-tcp-connections=2"), "t.test.", ZONE)) {
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    Socket socket = new Socket("127.0.0.1", tern.port());
                    socket.setSoTimeout(3000);
                    open.add(socket);
                    assertThat(ask(socket)).isNotNull();
                }
                try (Socket third = new Socket("127.0.0.1", tern.port())) {
                    third.setSoTimeout(3000);
                    assertThat(askOrClosed(third)).isNull();
                }
                assertThat(ask(open.get(0))).isNotNull();
            } finally {
                for (Socket socket : open) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aSlowlorisClientIsClosedByTheMessageTimeoutThoughEachByteRestartsTheIdleTimer() throws Exception {
        try (TernProcess tern = TernProcess.start(dir, List.of("tcp-message-timeout=1", "tcp-idle-timeout=30"),
                "t.test.", ZONE);
             Socket socket = new Socket("127.0.0.1", tern.port())) {
            socket.setSoTimeout(300);
            byte[] query = Message.newQuery(Record.newRecord(Name.fromString("ns.t.test."), Type.A, DClass.IN))
                    .toWire();
            byte[] framed = new byte[query.length + 2];
            framed[1] = (byte) query.length;
            System.arraycopy(query, 0, framed, 2, query.length);
            boolean closed = false;
            int sent = 0;
            // One byte every ~300 ms: the idle timeout (30 s) never fires; the whole message would take 10 s.
            while (!closed && sent < framed.length) {
                try {
                    socket.getOutputStream().write(framed[sent++]);
                    closed = socket.getInputStream().read() == -1;
                } catch (SocketTimeoutException e) {
                    // still open: send the next byte
                } catch (SocketException e) {
                    closed = true;
                }
            }
            assertThat(closed).as("closed before the message was whole (%d of %d bytes sent)", sent, framed.length)
                    .isTrue();
        }
    }

    @Test
    void aMessageSentInPiecesWithinTheMessageTimeoutIsAnswered() throws Exception {
        try (TernProcess tern = TernProcess.start(dir, List.of("tcp-message-timeout=5"), "t.test.", ZONE);
             Socket socket = new Socket("127.0.0.1", tern.port())) {
            socket.setSoTimeout(5000);
            Message message = Message.newQuery(Record.newRecord(Name.fromString("ns.t.test."), Type.A, DClass.IN));
            byte[] query = message.toWire();
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.write(0);
            out.flush();
            Thread.sleep(200);
            out.write(query.length);
            out.write(query, 0, 10);
            out.flush();
            Thread.sleep(200);
            out.write(query, 10, query.length - 10);
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] answer = new byte[in.readUnsignedShort()];
            in.readFully(answer);
            assertThat(new Message(answer).getHeader().getID()).isEqualTo(message.getHeader().getID());
        }
    }

    @Test
    void oneClientCannotTakeMoreThanItsShareOfConnections() throws Exception {
        try (TernProcess tern = TernProcess.start(dir, List.of("max-tcp-connections-per-client=2"), "t.test.",
                ZONE)) {
            List<Socket> open = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) {
                    open.add(connect("127.0.0.1", tern.port()));
                    assertThat(ask(open.get(i))).isNotNull();
                }
                try (Socket third = connect("127.0.0.1", tern.port())) {
                    assertThat(askOrClosed(third)).isNull();
                }
                // Another address (all of 127/8 is loopback on Linux) still gets in.
                try (Socket other = connect("127.0.0.2", tern.port())) {
                    assertThat(ask(other)).isNotNull();
                }
                assertThat(ask(open.get(0))).isNotNull();
                // A slot given back is free again.
                open.remove(0).close();
                Message answer = null;
                for (int attempt = 0; attempt < 50 && answer == null; attempt++) {
                    try (Socket again = connect("127.0.0.1", tern.port())) {
                        answer = askOrClosed(again);
                    }
                    if (answer == null) {
                        Thread.sleep(100);
                    }
                }
                assertThat(answer).isNotNull();
            } finally {
                for (Socket socket : open) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aPipeliningClientThatDoesNotReadStopsBeingReadAndIsAnsweredInFullOnceItReads() throws Exception {
        try (TernProcess tern = TernProcess.start(dir, List.of("tcp-idle-timeout=60"), "t.test.", BIG_ZONE);
             SocketChannel client = SocketChannel.open()) {
            client.setOption(StandardSocketOptions.SO_RCVBUF, 8192);
            client.setOption(StandardSocketOptions.SO_SNDBUF, 8192);
            client.connect(new InetSocketAddress("127.0.0.1", tern.port()));
            client.configureBlocking(false);
            byte[] query = Message.newQuery(Record.newRecord(Name.fromString("big.t.test."), Type.TXT, DClass.IN))
                    .toWire();
            ByteBuffer frame = ByteBuffer.allocate(query.length + 2).putShort((short) query.length).put(query);
            long sentBytes = 0;
            long stalledSince = 0;
            long deadline = System.nanoTime() + 20_000_000_000L;
            // Pipeline queries without reading, until the server has stopped taking them for a second.
            while (System.nanoTime() < deadline && sentBytes < 64L * 1024 * 1024) {
                if (!frame.hasRemaining()) {
                    frame.flip();
                }
                int written = client.write(frame);
                sentBytes += written;
                if (written > 0) {
                    stalledSince = 0;
                } else if (stalledSince == 0) {
                    stalledSince = System.nanoTime();
                } else if (System.nanoTime() - stalledSince > 1_000_000_000L) {
                    break;
                } else {
                    Thread.sleep(10);
                }
            }
            // Without backpressure the server reads on and answers into memory: 64 MiB go through. With it, what
            // the client sent fits in the socket buffers plus what the server read before it paused.
            assertThat(sentBytes).isLessThan(4L * 1024 * 1024);
            assertThat(stalledSince).isPositive();

            // Now read: every query sent is answered, the last (partly sent) one once it is finished.
            long queries = (sentBytes + frame.capacity() - 1) / frame.capacity();
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            long answered = 0;
            deadline = System.nanoTime() + 20_000_000_000L;
            while (answered < queries && System.nanoTime() < deadline) {
                if (frame.position() != frame.limit() && frame.position() != 0) {
                    client.write(frame);
                }
                int read = client.read(in);
                if (read < 0) {
                    break;
                }
                in.flip();
                while (in.remaining() >= 2 && in.remaining() >= 2 + (in.getShort(in.position()) & 0xFFFF)) {
                    int length = in.getShort() & 0xFFFF;
                    in.position(in.position() + length);
                    answered++;
                }
                in.compact();
                if (read == 0) {
                    Thread.sleep(5);
                }
            }
            assertThat(answered).isEqualTo(queries);
        }
    }

    private static Socket connect(String from, int port) throws Exception {
        Socket socket = new Socket();
        socket.bind(new InetSocketAddress(from, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", port), 3000);
        socket.setSoTimeout(3000);
        return socket;
    }

    private static Message ask(Socket socket) throws Exception {
        byte[] query = Message.newQuery(Record.newRecord(Name.fromString("ns.t.test."), Type.A, DClass.IN)).toWire();
        DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.writeShort(query.length);
        out.write(query);
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        byte[] answer = new byte[in.readUnsignedShort()];
        in.readFully(answer);
        return new Message(answer);
    }

    private static Message askOrClosed(Socket socket) throws Exception {
        try {
            return ask(socket);
        } catch (EOFException | SocketException e) {
            return null;
        }
    }
}
