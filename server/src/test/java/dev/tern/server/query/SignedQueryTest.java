package dev.tern.server.query;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import dev.tern.server.testing.TestZones;

/**
 * A query signed with TSIG gets a signed answer that still fits the client's UDP size (RFC 8945 5.3): the room for
 * the TSIG record is kept when the answer is sized, so an answer that would only fit unsigned is truncated instead.
 */
class SignedQueryTest {
    private static final Name KEY_NAME = Name.fromConstantString("a-rather-long-key-name.for.the-test.");
    private static final TSIG KEY = new TSIG(TSIG.HMAC_SHA512, KEY_NAME,
            "c2lnbmVkLXF1ZXJ5LXRlc3Qtc2VjcmV0LXNpZ25lZC1xdWVyeS10ZXN0LXNlY3JldA==");

    /** A TXT RRset of about {@code bytes} bytes on the wire. */
    private static String zone(int bytes) {
        StringBuilder text = new StringBuilder("@ SOA ns hm 1 2 3 4 5\n@ NS ns\n");
        for (int i = 0; i < bytes / 110; i++) {
            text.append("big TXT \"").append(String.valueOf(i % 10).repeat(100)).append("\"\n");
        }
        return text.toString();
    }

    @ParameterizedTest(name = "an RRset of about {0} bytes")
    @ValueSource(ints = {900, 1100, 1180, 1220, 1300})
    void aSignedAnswerNeverExceedsTheClientsSize(int bytes) throws Exception {
        QueryHandler handler = new QueryHandler(() -> TestZones.table("example.", zone(bytes)), 1232);
        handler.keysFrom(name -> name.equals(KEY_NAME) ? KEY : null);
        Message query = Message.newQuery(Record.newRecord(Name.fromString("big.example."), Type.TXT, DClass.IN));
        query.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        KEY.apply(query, null);
        byte[] wire = query.toWire();

        byte[] answer = handler.handle(wire, false);

        assertThat(answer.length).as("answer size").isLessThanOrEqualTo(1232);
        Message response = new Message(answer);
        assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(response.getTSIG()).as("signed").isNotNull();
        assertThat(KEY.verify(response, answer, query.getTSIG())).as("signature").isEqualTo(Rcode.NOERROR);
        if (!response.getHeader().getFlag(Flags.TC)) {
            assertThat(response.getSection(Section.ANSWER)).isNotEmpty();
        }
    }
}
