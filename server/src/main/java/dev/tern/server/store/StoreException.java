package dev.tern.server.store;

/** The database failed (cannot open, SQL error, busy past the timeout); the message says what was being done. */
public final class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message + ": " + cause.getMessage(), cause);
    }

    public StoreException(String message) {
        super(message);
    }
}
