package dev.tern.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import dev.tern.server.testing.TernProcess;

/** TCP connections are bounded: idle ones are closed, and connections over the cap are closed at once. */
class TcpLimitsTest {
    private static final String ZONE = "@ SOA ns hm 1 3600 600 86400 60\n@ NS ns\nns A 127.0.0.1\n";

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
