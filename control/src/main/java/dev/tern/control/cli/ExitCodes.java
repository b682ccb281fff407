package dev.tern.control.cli;

/** The exit codes of {@code ternctl}, one per class of outcome, so scripts can tell them apart. */
public final class ExitCodes {
    /** The command did what was asked (a refresh transferred, or found the zone up to date). */
    public static final int OK = 0;
    /** The daemon ran the command and it failed (a refresh failed: every primary was tried). */
    public static final int FAILED = 1;
    /** The command line is wrong (Picocli's usage error). */
    public static final int USAGE = 2;
    /** The daemon is not running: nobody answers on the control socket. */
    public static final int NOT_RUNNING = 3;
    /** No outcome within the timeout; the work may still be going on in the daemon. */
    public static final int TIMEOUT = 4;
    /** The daemon refused the request (unknown zone, not a secondary, secondary=no). */
    public static final int REFUSED = 5;
    /** This user may not use the control socket (its mode and group); the daemon may be running. */
    public static final int NO_ACCESS = 6;

    private ExitCodes() {
    }
}
