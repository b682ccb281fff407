package dev.tern.server.query;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.WireParseException;
import dev.tern.server.zone.ZoneTable;

/** Messages dnsjava rejects with an unchecked exception are malformed input like any other (found by fuzzing). */
class ReceivedMessageTest {
    /**
     * An UPDATE (id 0x1234) whose update section holds a record without rdata and with TTL 2^31: dnsjava 3.6 throws
     * InvalidTTLException from {@code new Message(byte[])}.
     */
    private static final byte[] UPDATE_WITH_TTL_MSB_SET = HexFormat.of().parseHex(
            "1234" + "2800" + "0001" + "0000" + "0001" + "0000"
                    + "076578616d706c6500" + "0006" + "0001"
                    + "00" + "0006" + "0001" + "80000000" + "0000");

    /**
     * A query (id 0x757f, TC and RD set) whose header counts one additional record that is not there: dnsjava accepts
     * it because of TC, keeps the count, and its {@code getTSIG()} then throws NullPointerException.
     */
    private static final byte[] TRUNCATED_QUERY = HexFormat.of().parseHex(
            "757f" + "0300" + "0001" + "0000" + "0000" + "0001"
                    + "03777777076578616d706c6500" + "0001" + "0001");

    @Test
    void refusesAMessageThatEndsBeforeTheRecordsItsHeaderCounts() {
        assertThatThrownBy(() -> ReceivedMessage.parse(TRUNCATED_QUERY))
                .isInstanceOf(WireParseException.class)
                .hasMessage("truncated message: 0 of 1 records in the additional section");
    }

    @Test
    void answersFormerrToATruncatedQuery() {
        byte[] response = new QueryHandler(() -> ZoneTable.of(java.util.List.of()), 1232)
                .handle(TRUNCATED_QUERY, false);
        assertThat(response).hasSize(12);
        assertThat(response[0]).isEqualTo((byte) 0x75);
        assertThat(response[1]).isEqualTo((byte) 0x7f);
        assertThat(response[3] & 0xF).isEqualTo(Rcode.FORMERR);
    }

    @Test
    void turnsDnsjavasUncheckedRejectionIntoAParseError() {
        assertThatThrownBy(() -> ReceivedMessage.parse(UPDATE_WITH_TTL_MSB_SET))
                .isInstanceOf(WireParseException.class)
                .hasMessageContaining("TTL");
    }

    @Test
    void answersFormerrToAnUpdateWithATtlDnsjavaRejects() {
        QueryHandler handler = new QueryHandler(() -> ZoneTable.of(java.util.List.of()), 1232);
        for (boolean tcp : new boolean[] {false, true}) {
            byte[] response = handler.handle(UPDATE_WITH_TTL_MSB_SET, tcp);
            assertThat(response).hasSize(12);
            assertThat(response[0]).isEqualTo((byte) 0x12);
            assertThat(response[1]).isEqualTo((byte) 0x34);
            assertThat(response[2] & 0xF8).as("QR, opcode UPDATE").isEqualTo(0x80 | 0x28);
            assertThat(response[3] & 0xF).isEqualTo(Rcode.FORMERR);
        }
    }
}
