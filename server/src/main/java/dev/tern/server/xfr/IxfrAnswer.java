package dev.tern.server.xfr;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Record;
import dev.tern.server.secondary.Serials;
import dev.tern.server.zone.ZoneChange;
import dev.tern.server.zone.ZoneSnapshot;

/**
 * What an IXFR request gets (RFC 1995 4), decided from the snapshot served and the history that leads to it:
 * <pre>
 *   client serial >= ours (RFC 1982)          -> "up-to-date": our SOA alone
 *   history reaches back to the client serial -> "ixfr": SOA, old SOA, removed, SOA, added, SOA (condensed)
 *   otherwise                                  -> "axfr-style": the whole zone as AXFR sends it
 * </pre>
 */
record IxfrAnswer(String kind, Iterator<Record> records) {

    static IxfrAnswer of(ZoneSnapshot snapshot, List<ZoneChange> history, long clientSerial) {
        long ours = snapshot.serial();
        if (clientSerial == ours || Serials.isNewer(clientSerial, ours)) {
            return new IxfrAnswer("up-to-date", List.<Record>of(snapshot.soa()).iterator());
        }
        boolean endsAtOurs = !history.isEmpty() && history.get(history.size() - 1).to().getSerial() == ours;
        int start = -1;
        if (endsAtOurs) {
            for (int i = history.size() - 1; i >= 0; i--) {
                if (history.get(i).from().getSerial() == clientSerial) {
                    start = i;
                    break;
                }
            }
        }
        if (start < 0) {
            return new IxfrAnswer("axfr-style", AxfrRecords.of(snapshot));
        }
        List<ZoneChange> chain = history.subList(start, history.size());
        // Condense (RFC 1995 5): a record added then removed again never appears, nor one removed then re-added.
        Map<String, Record> removed = new LinkedHashMap<>();
        Map<String, Record> added = new LinkedHashMap<>();
        for (ZoneChange change : chain) {
            for (Record record : change.removed()) {
                String key = record.toString();
                if (added.remove(key) == null) {
                    removed.put(key, record);
                }
            }
            for (Record record : change.added()) {
                String key = record.toString();
                if (removed.remove(key) == null) {
                    added.put(key, record);
                }
            }
        }
        List<Record> records = new ArrayList<>(removed.size() + added.size() + 4);
        records.add(snapshot.soa());
        records.add(chain.get(0).from());
        records.addAll(removed.values());
        records.add(snapshot.soa());
        records.addAll(added.values());
        records.add(snapshot.soa());
        return new IxfrAnswer("ixfr", records.iterator());
    }
}
