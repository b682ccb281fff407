package dev.tern.server.query;

import java.io.IOException;
import org.xbill.DNS.InvalidTTLException;
import org.xbill.DNS.Message;
import org.xbill.DNS.Section;
import org.xbill.DNS.WireParseException;

/** Parses a DNS message received from the network: every way dnsjava rejects its bytes is an {@link IOException}. */
public final class ReceivedMessage {
    private static final String[] SECTIONS = {"question", "answer", "authority", "additional"};

    private ReceivedMessage() {
    }

    /**
     * dnsjava 3.6 throws the unchecked {@link InvalidTTLException} for one malformed input: a record with no rdata in
     * the prerequisite or update section of an UPDATE message whose TTL has the top bit set (its
     * {@code Record.fromWire} checks the TTL only there). That is garbage like any other, not a bug: FORMERR.
     *
     * <p>dnsjava also accepts a message with TC set that ends before the records its header counts, and keeps those
     * counts: its {@code getTSIG()} then fails with a NullPointerException or IndexOutOfBoundsException. A message
     * that is not all there is refused here instead.
     */
    public static Message parse(byte[] wire) throws IOException {
        Message message;
        try {
            message = new Message(wire);
        } catch (InvalidTTLException e) {
            WireParseException malformed = new WireParseException(e.getMessage());
            malformed.initCause(e);
            throw malformed;
        }
        for (int section = Section.QUESTION; section <= Section.ADDITIONAL; section++) {
            int counted = message.getHeader().getCount(section);
            int read = message.getSection(section).size();
            if (read != counted) {
                throw new WireParseException("truncated message: " + read + " of " + counted + " records in the "
                        + SECTIONS[section] + " section");
            }
        }
        return message;
    }
}
