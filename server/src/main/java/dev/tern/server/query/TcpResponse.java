package dev.tern.server.query;

/** What to send back over TCP for one message: nothing (close), one message, or a stream of messages. */
public sealed interface TcpResponse {
    /** Close the connection without an answer. */
    record Close() implements TcpResponse {
    }

    /** One message. */
    record Single(byte[] wire) implements TcpResponse {
    }

    /** Many messages, pulled as the connection takes them (AXFR/IXFR-out). */
    record Stream(MessageStream stream) implements TcpResponse {
    }
}
