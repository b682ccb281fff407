package dev.tern.server.secondary;

/** The MSS that last worked per primary after an automatic fallback, so the next transfer starts with it. */
public interface MssMemory {
    /** The remembered MSS for this primary, or 0 when none was learned. */
    int remembered(Primary primary);

    /** Records the MSS that got a transfer through after a stall. */
    void remember(Primary primary, int mss);
}
