package dev.tern.server.control;

import static java.util.Objects.requireNonNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import dev.tern.control.protocol.ControlRequest;
import io.netty.util.concurrent.DefaultThreadFactory;

/**
 * The Unix control socket: PowerDNS's framing (one line in, raw reply, close), mode 0660 and an optional group. A
 * stale socket left by a dead daemon is replaced; a live one stops this daemon from starting. The {@code
 * control-io} thread only accepts; each connection runs on a bounded {@code control-worker} pool, with a deadline
 * for the request line, so a client that sends nothing holds a worker for seconds, not for ever.
 */
public final class ControlServer implements AutoCloseable {
    private static final Logger logger = LoggerFactory.getLogger(ControlServer.class);
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

    private final Path path;
    private final CommandRegistry registry;
    private final ServerSocketChannel server;
    private final ExecutorService workers;
    private final Thread acceptor;
    private volatile boolean closed;

    private ControlServer(Path path, CommandRegistry registry, ServerSocketChannel server) {
        this.path = path;
        this.registry = registry;
        this.server = server;
        this.workers = new ThreadPoolExecutor(4, 4, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(64),
                new DefaultThreadFactory("control-worker", true), new ThreadPoolExecutor.AbortPolicy());
        this.acceptor = new Thread(this::accept, "control-io");
        this.acceptor.setDaemon(true);
    }

    /** Binds the socket and starts accepting; throws when another daemon is live on it. */
    public static ControlServer start(Path path, String group, CommandRegistry registry) throws IOException {
        requireNonNull(path, "path");
        Path dir = path.toAbsolutePath().getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        if (Files.exists(path)) {
            if (isLive(path)) {
                throw new IOException("another ternd is running on control socket " + path
                        + " (stop it first, or set socket-dir to another directory)");
            }
            Files.delete(path);
            logger.info("control socket {}: replaced a stale socket left by a daemon that is gone", path);
        }
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(path), 10);
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw----"));
            if (group != null && !group.isEmpty()) {
                GroupPrincipal principal = path.getFileSystem().getUserPrincipalLookupService()
                        .lookupPrincipalByGroupName(group);
                Files.getFileAttributeView(path, java.nio.file.attribute.PosixFileAttributeView.class)
                        .setGroup(principal);
            }
        } catch (IOException | UnsupportedOperationException e) {
            server.close();
            Files.deleteIfExists(path);
            throw new IOException("control socket " + path + ": cannot set mode 0660 and group '" + group + "': "
                    + e.getMessage(), e);
        }
        ControlServer control = new ControlServer(path, registry, server);
        control.acceptor.start();
        logger.info("control socket {} ready", path);
        return control;
    }

    private static boolean isLive(Path path) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public Path path() {
        return path;
    }

    private void accept() {
        while (!closed) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    logger.warn("control socket {}: accept failed: {}", path, e.getMessage());
                }
                continue;
            }
            try {
                workers.execute(() -> serve(client));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                reply(client, "Error: too many control clients at once; try again");
            }
        }
    }

    private void serve(SocketChannel client) {
        String reply;
        try {
            String line = readLine(client);
            if (line == null) {
                reply = null;
            } else {
                ControlRequest request = ControlRequest.parse(line);
                reply = registry.execute(request);
                if (logger.isDebugEnabled()) {
                    int end = reply.indexOf('\n');
                    logger.debug("control: '{}' answered '{}'", request.line(),
                            end < 0 ? reply : reply.substring(0, end) + " ...");
                }
            }
        } catch (LineTooLongException e) {
            reply = "Error: command line longer than " + ControlRequest.MAX_LINE + " bytes; rejected";
        } catch (IOException e) {
            reply = null;
        }
        if (reply == null) {
            close(client);
            return;
        }
        reply(client, reply);
    }

    /** Reads up to the first newline (or EOF); null when nothing came within the deadline. */
    private static String readLine(SocketChannel client) throws IOException {
        client.configureBlocking(false);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
        try (Selector selector = Selector.open()) {
            client.register(selector, SelectionKey.OP_READ);
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    return null;
                }
                selector.select(left);
                selector.selectedKeys().clear();
                int read = client.read(buffer);
                if (read < 0) {
                    return line.size() == 0 ? null : line.toString(StandardCharsets.UTF_8);
                }
                for (int i = 0; i < buffer.position(); i++) {
                    if (buffer.get(i) == '\n') {
                        line.write(buffer.array(), 0, i);
                        return line.toString(StandardCharsets.UTF_8);
                    }
                }
                line.write(buffer.array(), 0, buffer.position());
                buffer.clear();
                if (line.size() >= ControlRequest.MAX_LINE) {
                    throw new LineTooLongException();
                }
            }
        }
    }

    private static void reply(SocketChannel client, String text) {
        try {
            client.configureBlocking(true);
            ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                client.write(bytes);
            }
        } catch (IOException e) {
            logger.debug("control client went away before the reply: {}", e.getMessage());
        } finally {
            close(client);
        }
    }

    private static void close(SocketChannel client) {
        try {
            client.close();
        } catch (IOException e) {
            logger.debug("closing a control client: {}", e.getMessage());
        }
    }

    /** A request line over the limit. */
    private static final class LineTooLongException extends IOException {
        LineTooLongException() {
            super("line too long");
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            logger.debug("closing the control socket: {}", e.getMessage());
        }
        workers.shutdownNow();
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            logger.warn("control socket {}: cannot remove it: {}", path, e.getMessage());
        }
    }
}
