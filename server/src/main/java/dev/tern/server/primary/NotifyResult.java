package dev.tern.server.primary;

import java.net.InetSocketAddress;

/**
 * How a NOTIFY to one target ended.
 *
 * @param result {@code acknowledged}, {@code error} (the target answered with an error rcode), {@code given-up}, or
 *     {@code superseded} (a newer round for the same zone took the target over)
 * @param tries NOTIFY messages sent
 * @param detail the rcode of an error, or empty
 * @param tsigError the TSIG error the target reported about our signature (RFC 8945 5.2), or NOERROR
 */
public record NotifyResult(InetSocketAddress target, String result, int tries, String detail, int tsigError) {
    /** A result without a TSIG error. */
    public NotifyResult(InetSocketAddress target, String result, int tries, String detail) {
        this(target, result, tries, detail, org.xbill.DNS.Rcode.NOERROR);
    }

    public boolean acknowledged() {
        return result.equals("acknowledged");
    }

    /** For logs and control replies: {@code 127.0.0.1:5300 acknowledged}. */
    public String describe() {
        String where = target.getAddress().getHostAddress() + ":" + target.getPort();
        return switch (result) {
            case "acknowledged" -> where + " acknowledged";
            case "error" -> where + " answered " + detail;
            case "superseded" -> where + " superseded " + detail;
            default -> where + " gave no answer to " + tries + " tries";
        };
    }
}
