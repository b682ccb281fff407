package dev.tern.server.query;

/** Told of every answered query, on the event loop: must be cheap and never block. */
public interface QueryObserver {
    QueryObserver NONE = (tcp, qtype, rcode, responseBytes, truncated, nanos) -> { };

    /**
     * @param qtype the question's type, or -1 when there was none to read
     * @param rcode the response's rcode (header bits)
     */
    void answered(boolean tcp, int qtype, int rcode, int responseBytes, boolean truncated, long nanos);
}
