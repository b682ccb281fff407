package dev.tern.server.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.tern.config.ConfigLoader;
import dev.tern.control.protocol.ControlClient;
import dev.tern.server.Server;

/** The control socket under load: idle and slow clients cannot lock others out, and are closed in time. */
class ControlSocketLoadTest {
    private static final int TIMEOUT_SECONDS = 5;

    @TempDir
    Path dir;

    private Server start() throws Exception {
        return new Server(new ConfigLoader().load(List.of("local-address=127.0.0.1", "local-port=0",
                "gsqlite3-database=" + dir.resolve("tern.sqlite3"), "sql-poll-interval=0", "socket-dir=" + dir,
                "control-socket-timeout=" + TIMEOUT_SECONDS))).start(false);
    }

    private static SocketChannel connect(Path socket) throws Exception {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(socket));
        return channel;
    }

    /** Reads without blocking: -1 once the daemon has closed the connection, 0 while it is open and silent. */
    private static int poll(SocketChannel channel) throws Exception {
        channel.configureBlocking(false);
        return channel.read(ByteBuffer.allocate(64));
    }

    @Test
    void idleAndSlowClientsDoNotLockOutTwoHundredOthersAndAreClosedAfterTheTimeout() throws Exception {
        try (Server tern = start()) {
            Path socket = tern.controlSocket();
            List<SocketChannel> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 150; i++) {
                    SocketChannel channel = connect(socket);
                    if (i % 3 == 0) {
                        // a slow client: half a command, then nothing
                        channel.write(ByteBuffer.wrap("rpi".getBytes(StandardCharsets.US_ASCII)));
                    }
                    idle.add(channel);
                }
                ExecutorService clients = Executors.newFixedThreadPool(20);
                try {
                    List<Future<String>> answers = new ArrayList<>();
                    for (int i = 0; i < 200; i++) {
                        answers.add(clients.submit(() -> new ControlClient(socket).send("rping",
                                Duration.ofSeconds(TIMEOUT_SECONDS - 1))));
                    }
                    for (Future<String> answer : answers) {
                        assertThat(answer.get(30, TimeUnit.SECONDS)).isEqualTo("PONG");
                    }
                } finally {
                    clients.shutdownNow();
                }
                for (SocketChannel channel : idle) {
                    assertThat(poll(channel)).as("the idle clients were still connected meanwhile").isZero();
                }
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS + 10);
                List<SocketChannel> open = new ArrayList<>(idle);
                while (!open.isEmpty() && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                    List<SocketChannel> still = new ArrayList<>();
                    for (SocketChannel channel : open) {
                        if (poll(channel) >= 0) {
                            still.add(channel);
                        }
                    }
                    open = still;
                }
                assertThat(open).as("idle clients closed by the daemon after control-socket-timeout").isEmpty();
            } finally {
                for (SocketChannel channel : idle) {
                    channel.close();
                }
            }
            assertThat(new ControlClient(socket).send("rping", Duration.ofSeconds(5))).isEqualTo("PONG");
        }
    }

    @Test
    void aLineEndedByEndOfFileInsteadOfANewlineIsStillACommand() throws Exception {
        try (Server tern = start(); SocketChannel channel = connect(tern.controlSocket())) {
            channel.write(ByteBuffer.wrap("rping".getBytes(StandardCharsets.US_ASCII)));
            channel.shutdownOutput();
            ByteBuffer reply = ByteBuffer.allocate(64);
            while (channel.read(reply) >= 0) {
                // to EOF: the daemon closes after the reply
            }
            assertThat(new String(reply.array(), 0, reply.position(), StandardCharsets.UTF_8)).isEqualTo("PONG");
        }
    }
}
