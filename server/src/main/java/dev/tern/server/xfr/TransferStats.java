package dev.tern.server.xfr;

import java.time.Duration;

/**
 * What a transfer moved and how: messages, bytes, time, the MSS advertised, and the kernel's view of the socket
 * (TCP_INFO) when it was available.
 *
 * @param tcpInfo a one-line summary of TCP_INFO at the end (or the stall), or empty
 */
public record TransferStats(int messages, long bytes, Duration elapsed, int mss, String tcpInfo) {
    public TransferStats {
        tcpInfo = tcpInfo == null ? "" : tcpInfo;
    }
}
