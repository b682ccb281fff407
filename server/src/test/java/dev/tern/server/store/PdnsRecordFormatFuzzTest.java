package dev.tern.server.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * Fuzzes the PowerDNS record text parser with any type and content, as a row of the {@code records} table may hold.
 * The property: {@link PdnsRecordFormat#toRecord} returns a record or throws {@link IOException} (the row is then
 * reported as broken), never another exception; and a record it returns is written by {@link PdnsRecordFormat#toRow}
 * as a row that reads back to the same wire form.
 *
 * <p>Input: UTF-8 text, {@code type}, newline, {@code prio}, newline, {@code content} (the rest). Inputs are in
 * {@code PdnsRecordFormatFuzzTestInputs/parsesAnyRow/}, one per row of {@code PdnsRecordFormatTest}'s table.
 */
class PdnsRecordFormatFuzzTest {
    private static final Name OWNER = Name.fromConstantString("x.types.test.");

    @FuzzTest
    void parsesAnyRow(byte[] input) {
        String[] fields = new String(input, StandardCharsets.UTF_8).split("\n", 3);
        if (fields.length < 3) {
            return;
        }
        int prio;
        try {
            prio = Integer.parseInt(fields[1].strip());
        } catch (NumberFormatException e) {
            prio = 0;
        }
        Record record;
        try {
            record = PdnsRecordFormat.toRecord(OWNER, fields[0], fields[2], 3600, prio);
        } catch (IOException e) {
            PdnsRecordFormat.problem(e);
            return;
        }
        RecordRow row = PdnsRecordFormat.toRow(record);
        Record read;
        try {
            read = PdnsRecordFormat.toRecord(PdnsRecordFormat.parseOwner(row.name()), row.type(), row.content(),
                    row.ttl(), row.prio());
        } catch (IOException e) {
            throw new AssertionError("the row written for " + record + " does not read back: " + row, e);
        }
        assertThat(read.toWire(Section.ANSWER)).as("%s written as %s", record, row)
                .isEqualTo(record.toWire(Section.ANSWER));
    }
}
