package dev.tern.server.secondary;

/** Serial number arithmetic (RFC 1982 3.2): serials compare modulo 2^32. */
public final class Serials {
    private Serials() {
    }

    /** True when {@code a} is newer than {@code b}; undefined comparisons (distance 2^31) count as not newer. */
    public static boolean isNewer(long a, long b) {
        long difference = (a - b) & 0xFFFFFFFFL;
        return difference != 0 && difference < 0x80000000L;
    }
}
