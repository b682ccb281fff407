package dev.tern.server.answer;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.xbill.DNS.RRset;

/**
 * What the engine decided for one question: the rcode, whether the answer is authoritative, and the RRsets of each
 * section. Encoding (EDNS, truncation, compression) comes later, elsewhere.
 *
 * @param referral true for a delegation answer, whose authority NS and glue must fit together or not at all
 */
public record Answer(int rcode, boolean authoritative, boolean referral, List<RRset> answer, List<RRset> authority,
                     List<RRset> additional) {
    public Answer {
        answer = List.copyOf(requireNonNull(answer, "answer"));
        authority = List.copyOf(requireNonNull(authority, "authority"));
        additional = List.copyOf(requireNonNull(additional, "additional"));
    }

    /** An answer with only an rcode: REFUSED, SERVFAIL. */
    public static Answer of(int rcode) {
        return new Answer(rcode, false, false, List.of(), List.of(), List.of());
    }
}
