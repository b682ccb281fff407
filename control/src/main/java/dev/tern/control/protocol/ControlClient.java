package dev.tern.control.protocol;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/** Sends one command over the control socket and reads the reply to EOF, within a deadline. */
public final class ControlClient {
    private final Path socket;

    public ControlClient(Path socket) {
        this.socket = socket;
    }

    public Path socket() {
        return socket;
    }

    /** This user may not connect to the socket; the daemon may well be running. */
    public static final class AccessDeniedException extends IOException {
        public AccessDeniedException(String message) {
            super(message);
        }
    }

    /** The daemon is not there: no socket file, or nobody listening on it. */
    public static final class NotRunningException extends IOException {
        public NotRunningException(String message) {
            super(message);
        }
    }

    /** The reply did not come within the deadline. */
    public static final class TimeoutException extends IOException {
        public TimeoutException(String message) {
            super(message);
        }
    }

    /** Sends {@code line} and returns the whole reply. */
    public String send(String line, Duration timeout) throws IOException {
        SocketChannel channel;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("Permission denied")) {
                throw new AccessDeniedException("permission denied on " + socket + ": ternd may be running, but"
                        + " this user may not use its control socket (mode 0660, owner tern); run ternctl as root or"
                        + " tern, or as a member of the daemon's control-socket-group");
            }
            throw new NotRunningException("ternd is not running: cannot connect to " + socket + " ("
                    + e.getMessage() + ")");
        }
        try (channel; Selector selector = Selector.open()) {
            channel.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ);
            ByteArrayOutputStream reply = new ByteArrayOutputStream();
            ByteBuffer buffer = ByteBuffer.allocate(8192);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new TimeoutException("no complete reply from " + socket + " within " + timeout.toSeconds()
                            + " s");
                }
                selector.select(left);
                selector.selectedKeys().clear();
                int read = channel.read(buffer);
                if (read < 0) {
                    return reply.toString(StandardCharsets.UTF_8);
                }
                reply.write(buffer.array(), 0, buffer.position());
                buffer.clear();
            }
        }
    }
}
