package dev.tern.server.xfr;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import dev.tern.server.zone.Node;
import dev.tern.server.zone.ZoneSnapshot;

/**
 * The records of an AXFR answer from one snapshot, produced lazily: the SOA, every other record of the zone (glue
 * and data below delegations included), the SOA again (RFC 5936 2.2).
 */
final class AxfrRecords implements Iterator<Record> {
    private final ZoneSnapshot snapshot;
    private final Iterator<Node> nodes;
    private final Deque<Record> ready = new ArrayDeque<>();
    private int state;

    private AxfrRecords(ZoneSnapshot snapshot) {
        this.snapshot = snapshot;
        this.nodes = snapshot.allNodes().iterator();
        ready.add(snapshot.soa());
    }

    static Iterator<Record> of(ZoneSnapshot snapshot) {
        return new AxfrRecords(snapshot);
    }

    @Override
    public boolean hasNext() {
        fill();
        return !ready.isEmpty();
    }

    @Override
    public Record next() {
        fill();
        if (ready.isEmpty()) {
            throw new NoSuchElementException();
        }
        return ready.poll();
    }

    private void fill() {
        while (ready.isEmpty() && state == 0) {
            if (!nodes.hasNext()) {
                ready.add(snapshot.soa());
                state = 1;
                return;
            }
            for (Record record : nodes.next().records()) {
                if (record.getType() == Type.SOA) {
                    continue;
                }
                ready.add(record);
            }
        }
    }
}
