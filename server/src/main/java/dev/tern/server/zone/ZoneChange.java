package dev.tern.server.zone;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Type;

/**
 * One change of a zone from one serial to the next, as IXFR carries it (RFC 1995 4): the SOA before and after, and
 * the other records removed and added.
 */
public record ZoneChange(SOARecord from, SOARecord to, List<Record> removed, List<Record> added) {
    public ZoneChange {
        requireNonNull(from, "from");
        requireNonNull(to, "to");
        removed = List.copyOf(removed);
        added = List.copyOf(added);
    }

    /**
     * The change that turns {@code before} into {@code after}, computed from their records (SOA apart). Records
     * are compared with their TTL, so a TTL change is a removal and an addition, as IXFR must carry it.
     */
    public static ZoneChange between(ZoneSnapshot before, ZoneSnapshot after) {
        Map<String, Record> old = keyed(before);
        Map<String, Record> now = keyed(after);
        List<Record> removed = new ArrayList<>();
        old.forEach((key, record) -> {
            if (!now.containsKey(key)) {
                removed.add(record);
            }
        });
        List<Record> added = new ArrayList<>();
        now.forEach((key, record) -> {
            if (!old.containsKey(key)) {
                added.add(record);
            }
        });
        return new ZoneChange(before.soa(), after.soa(), removed, added);
    }

    private static Map<String, Record> keyed(ZoneSnapshot snapshot) {
        Map<String, Record> records = new HashMap<>();
        snapshot.forEachRecord(record -> {
            if (record.getType() != Type.SOA) {
                records.put(record.toString(), record);
            }
        });
        return records;
    }
}
