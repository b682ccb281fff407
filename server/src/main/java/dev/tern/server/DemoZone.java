package dev.tern.server;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import dev.tern.server.store.DomainRow;
import dev.tern.server.store.ZoneStore;
import dev.tern.server.zone.ZoneKind;

/**
 * The demo zone {@code example.com.} written into an empty database by {@code ternd --demo}, so a first start
 * answers at once.
 */
final class DemoZone {
    private static final Logger logger = LoggerFactory.getLogger(DemoZone.class);
    static final Name NAME = Name.fromConstantString("example.com.");

    private DemoZone() {
    }

    static void createIfMissing(ZoneStore store) {
        for (DomainRow row : store.domains()) {
            if (row.name().equals(NAME)) {
                return;
            }
        }
        List<Record> records = new ArrayList<>();
        try (InputStream in = DemoZone.class.getResourceAsStream("example.com.zone")) {
            if (in == null) {
                throw new IllegalStateException("the demo zone is missing from the jar");
            }
            Master master = new Master(in, NAME, 3600);
            for (Record record = master.nextRecord(); record != null; record = master.nextRecord()) {
                records.add(record);
            }
        } catch (IOException e) {
            throw new IllegalStateException("the demo zone does not parse", e);
        }
        DomainRow row = store.createZone(NAME, ZoneKind.NATIVE, null);
        store.replaceRecords(row, records);
        logger.info("[{}] demo zone created with {} records", NAME, records.size());
    }
}
