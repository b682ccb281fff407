package dev.tern.server.query;

/**
 * A response of many messages (an outgoing AXFR or IXFR), produced one message at a time as the connection can take
 * them, so a large zone is never held encoded in memory. The transport pulls {@link #next()} on its event loop and
 * reports how the stream ended exactly once.
 */
public interface MessageStream {
    /** The next message's wire bytes, or null when the stream is complete. */
    byte[] next();

    /** Every message was written to the socket. */
    void finished();

    /**
     * The stream ended before it was complete.
     *
     * @param reason what happened, for the log (the client closed, no read for N s)
     * @param tcpInfo the kernel's view of the connection at that moment (TCP_INFO), or empty
     */
    void abandoned(String reason, String tcpInfo);
}
