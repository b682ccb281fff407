package dev.tern.server.xfr;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;

/** Streams the transfer reader must refuse (found by fuzzing, see XfrStreamFuzzTest). */
class XfrStreamTest {
    /**
     * An answer with opcode UPDATE whose only record is the zone's SOA without rdata: dnsjava reads it as an
     * EmptyRecord of type SOA, not an SOARecord.
     */
    private static final byte[] UPDATE_WITH_EMPTY_SOA = HexFormat.of().parseHex(
            "1234" + "a800" + "0000" + "0001" + "0000" + "0000"
                    + "076578616d706c6500" + "0006" + "0001" + "00000e10" + "0000");

    @Test
    void refusesAnAnswerThatIsNotOpcodeQuery() throws Exception {
        XfrStream stream = new XfrStream(Name.fromString("example."), false, -1);
        Message message = new Message(UPDATE_WITH_EMPTY_SOA);
        assertThatThrownBy(() -> stream.add(message))
                .isInstanceOf(XfrStream.BadTransferException.class)
                .hasMessage("a message with opcode UPDATE (expected: QUERY)");
    }
}
