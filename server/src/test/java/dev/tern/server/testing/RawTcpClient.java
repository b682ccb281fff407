package dev.tern.server.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.xbill.DNS.Message;

/**
 * A DNS-over-TCP client on a plain socket, for tests that need control over reading: a small receive buffer, a
 * client that sends and then reads nothing, one message at a time.
 */
public final class RawTcpClient implements AutoCloseable {
    private final Socket socket;
    private final DataInputStream in;
    private final DataOutputStream out;

    /** Connects to 127.0.0.1:port; {@code receiveBuffer} > 0 sets SO_RCVBUF before connecting. */
    public RawTcpClient(int port, int receiveBuffer, int readTimeoutMillis) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.setSoTimeout(readTimeoutMillis);
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        in = new DataInputStream(socket.getInputStream());
        out = new DataOutputStream(socket.getOutputStream());
    }

    /** The client's own port, to find its transfer in the server's log. */
    public int localPort() {
        return socket.getLocalPort();
    }

    public void send(Message message) throws IOException {
        byte[] wire = message.toWire();
        out.writeShort(wire.length);
        out.write(wire);
        out.flush();
    }

    /** The next message, or null when the server closed the connection. */
    public Message read() throws IOException {
        int length;
        try {
            length = in.readUnsignedShort();
        } catch (EOFException e) {
            return null;
        }
        byte[] wire = new byte[length];
        in.readFully(wire);
        return new Message(wire);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
