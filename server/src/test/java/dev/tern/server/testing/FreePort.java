package dev.tern.server.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** A loopback port free for both TCP and UDP, for peers that cannot be told to pick their own. */
public final class FreePort {
    private FreePort() {
    }

    public static int pick() throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            try (ServerSocket tcp = new ServerSocket()) {
                tcp.setReuseAddress(false);
                tcp.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
                int port = tcp.getLocalPort();
                try (DatagramSocket udp = new DatagramSocket(new InetSocketAddress(
                        InetAddress.getByName("127.0.0.1"), port))) {
                    return port;
                } catch (IOException e) {
                    // UDP taken on this port: try another.
                }
            }
        }
        throw new IOException("no free port on 127.0.0.1 after 50 tries");
    }
}
