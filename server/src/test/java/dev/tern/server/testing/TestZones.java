package dev.tern.server.testing;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import dev.tern.server.zone.Zone;
import dev.tern.server.zone.ZoneKind;
import dev.tern.server.zone.ZoneSnapshot;
import dev.tern.server.zone.ZoneSnapshotBuilder;
import dev.tern.server.zone.ZoneTable;

/** Zones for tests, written as master-file text. */
public final class TestZones {
    private TestZones() {
    }

    public static List<Record> records(String origin, String text) {
        List<Record> records = new ArrayList<>();
        try (Master master = new Master(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                Name.fromString(origin), 3600)) {
            for (Record record = master.nextRecord(); record != null; record = master.nextRecord()) {
                records.add(record);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return records;
    }

    public static ZoneSnapshot snapshot(String origin, String text) {
        ZoneSnapshotBuilder builder = new ZoneSnapshotBuilder(Name.fromConstantString(origin));
        for (Record record : records(origin, text)) {
            builder.add(record);
        }
        return builder.build();
    }

    /** A table of zones given as origin, text, origin, text, ... */
    public static ZoneTable table(String... originsAndTexts) {
        List<Zone> zones = new ArrayList<>();
        for (int i = 0; i < originsAndTexts.length; i += 2) {
            ZoneSnapshot snapshot = snapshot(originsAndTexts[i], originsAndTexts[i + 1]);
            zones.add(new Zone(snapshot.origin(), i, ZoneKind.NATIVE, snapshot));
        }
        return ZoneTable.of(zones);
    }

    /** A record as one line: owner, TTL, type, rdata, separated by single spaces. */
    public static String line(Record record) {
        String rdata = record instanceof org.xbill.DNS.AAAARecord
                ? io.netty.util.NetUtil.toAddressString(((org.xbill.DNS.AAAARecord) record).getAddress())
                : record.rdataToString();
        return record.getName() + " " + record.getTTL() + " " + org.xbill.DNS.Type.string(record.getType()) + " "
                + rdata;
    }
}
