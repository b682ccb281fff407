package dev.tern.server.zone;

/** Zone data that cannot be served as it is: the message names the zone and the offending record. */
public final class ZoneCheckException extends RuntimeException {
    public ZoneCheckException(String message) {
        super(message);
    }
}
