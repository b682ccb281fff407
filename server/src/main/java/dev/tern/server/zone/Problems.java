package dev.tern.server.zone;

/**
 * Words for an unexpected failure, for a log line or a reply an operator reads: the failure's own message without
 * the Java exception class in front of it. Callers say what was being done and where; the stack trace, when
 * wanted, goes to the debug log. In {@code zone} because every package may use it.
 */
public final class Problems {
    private Problems() {
    }

    /** The message of {@code failure} (of its cause, for wrappers without one of their own), never empty. */
    public static String describe(Throwable failure) {
        Throwable current = failure;
        while (current != null) {
            String message = current.getMessage();
            boolean wrapper = current.getCause() != null && message != null
                    && message.equals(current.getCause().toString());
            if (message != null && !message.isBlank() && !wrapper) {
                return message.strip();
            }
            current = current.getCause();
        }
        return "no detail was given";
    }
}
