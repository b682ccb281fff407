package dev.tern.server.query;

import java.net.InetAddress;
import org.xbill.DNS.Message;

/**
 * Takes a NOTIFY (RFC 1996) off the event loop's hands: decides from memory (no SQL, no blocking) whether it is
 * accepted, plans a refresh when it is, and returns the rcode to answer with at once.
 */
@FunctionalInterface
public interface NotifyReceiver {
    /** The rcode for the answer: NOERROR when accepted, REFUSED, NOTAUTH (bad TSIG), NOTIMP (secondary=no). */
    int receive(Message notify, byte[] wire, InetAddress source);

    /** The receiver of a server that is not a secondary. */
    NotifyReceiver NONE = (notify, wire, source) -> org.xbill.DNS.Rcode.NOTIMP;
}
