package dev.tern.server.xfr;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;

/** One change of an IXFR (RFC 1995 4): the zone goes from {@code from} to {@code to} by removing, then adding. */
public record IxfrDelta(SOARecord from, SOARecord to, List<Record> removed, List<Record> added) {
    public IxfrDelta {
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        removed = List.copyOf(removed);
        added = List.copyOf(added);
    }
}
