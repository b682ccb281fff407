package dev.tern.server.xfr;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import dev.tern.server.query.ReceivedMessage;

/**
 * Fuzzes the transfer stream reader with what a primary may send: a sequence of messages framed as over TCP (a
 * two-byte length, then the message), fed as {@link XfrHandler} feeds them. The property: the stream ends only in
 * its declared outcomes (a message that does not parse or has an error rcode, which the handler fails as bad data;
 * {@link XfrStream.BadTransferException}; or, once done, a {@link TransferResult} that holds together), never in
 * another exception.
 *
 * <p>Input: byte 0 bit 0 asks for IXFR, bytes 1-4 are our serial, then the framed messages, for zone
 * {@code example.}. Inputs are in {@code XfrStreamFuzzTestInputs/readsAnyMessageSequence/}.
 */
class XfrStreamFuzzTest {
    static final Name ZONE = Name.fromConstantString("example.");

    @FuzzTest
    void readsAnyMessageSequence(byte[] input) {
        if (input.length < 5) {
            return;
        }
        ByteBuffer in = ByteBuffer.wrap(input);
        boolean ixfr = (in.get() & 1) != 0;
        long ourSerial = Integer.toUnsignedLong(in.getInt());
        XfrStream stream = new XfrStream(ZONE, ixfr, ourSerial);
        while (in.remaining() >= 2) {
            int length = Math.min(in.getShort() & 0xFFFF, in.remaining());
            byte[] wire = new byte[length];
            in.get(wire);
            Message message;
            try {
                message = ReceivedMessage.parse(wire);
            } catch (IOException e) {
                return; // BAD_DATA in XfrHandler
            }
            if (message.getRcode() != Rcode.NOERROR) {
                return; // RCODE in XfrHandler
            }
            try {
                stream.add(message);
            } catch (XfrStream.BadTransferException e) {
                assertThat(e.getMessage()).isNotBlank();
                return;
            }
            assertThat(stream.messages()).isPositive();
            stream.endedWithLoneSoa();
            if (stream.done()) {
                check(stream.result(new TransferStats(stream.messages(), input.length, Duration.ZERO, 0, null)),
                        ourSerial, ixfr);
                return;
            }
        }
        stream.endedWithLoneSoa();
    }

    private static void check(TransferResult result, long ourSerial, boolean ixfr) {
        if (result instanceof TransferResult.Zone zone) {
            assertThat(zone.soa().getName()).isEqualTo(ZONE);
            assertThat(zone.records()).first().isEqualTo(zone.soa());
            assertThat(zone.records().stream().filter(r -> r.getType() == Type.SOA)).hasSize(1);
            zone.records().forEach(XfrStreamFuzzTest::inZone);
        } else if (result instanceof TransferResult.Incremental incremental) {
            assertThat(ixfr).isTrue();
            assertThat(incremental.deltas()).isNotEmpty();
            assertThat(incremental.deltas().get(0).from().getSerial()).isEqualTo(ourSerial);
            assertThat(incremental.deltas().get(incremental.deltas().size() - 1).to().getSerial())
                    .isEqualTo(incremental.soa().getSerial());
            incremental.deltas().forEach(delta -> {
                delta.removed().forEach(XfrStreamFuzzTest::inZone);
                delta.added().forEach(XfrStreamFuzzTest::inZone);
            });
        } else if (result instanceof TransferResult.UpToDate upToDate) {
            assertThat(upToDate.soa().getSerial()).isEqualTo(ourSerial);
        } else if (result instanceof TransferResult.Failed failed) {
            assertThat(failed.failure()).isEqualTo(TransferResult.Failure.IXFR_ONLY_SOA);
        }
    }

    private static void inZone(Record record) {
        assertThat(record.getName().subdomain(ZONE)).as("in the zone: %s", record).isTrue();
    }
}
