package dev.tern.server.query;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import dev.tern.server.testing.TestZones;
import dev.tern.server.zone.ZoneTable;

/**
 * Fuzzes the query path, bytes in, bytes out ({@link QueryHandler#handle} and {@link QueryHandler#handleTcp}),
 * against a zone table with an unsigned zone, a zone signed with NSEC and one signed with NSEC3 Opt-Out
 * ({@code dnssec-signzone}, committed under {@code fuzz/}), a TSIG key and a server identity. The property: no
 * exception; no response only for what must be dropped (shorter than a header, or QR set); otherwise a response that
 * parses, with the query's id and opcode, QR set, the question echoed when the query has one, and over UDP no larger
 * than the query's EDNS size allows.
 *
 * <p>The first input byte picks the transport (bit 0: TCP, bit 1: through {@code handleTcp}); the rest is the
 * message. Inputs are in {@code QueryHandlerFuzzTestInputs/answersAnyMessage/}; {@code dev/fuzz} fuzzes it.
 */
class QueryHandlerFuzzTest {
    private static final int UDP_THRESHOLD = 1232;
    static final Name KEY_NAME = Name.fromConstantString("fuzz-key.");
    static final String KEY_SECRET = "ZnV6ei1rZXktc2VjcmV0LTMyLWJ5dGVzLWxvbmcuLi4=";
    private static final InetAddress SOURCE = InetAddress.getLoopbackAddress();

    private static final String EXAMPLE = String.join("\n",
            "$TTL 3600",
            "@        SOA   ns1 hostmaster 2024010101 7200 3600 1209600 300",
            "@        NS    ns1",
            "@        MX    10 mail",
            "ns1      A     192.0.2.53",
            "mail     A     192.0.2.25",
            "www      A     192.0.2.80",
            "www      AAAA  2001:db8::80",
            "www      TXT   \"web\"",
            "alias    CNAME www",
            "loop     CNAME loop",
            "out      CNAME www.nsec.test.",
            "*.wild   A     192.0.2.99",
            "*.wild   TXT   \"x\"",
            "sub      NS    ns.sub",
            "ns.sub   A     192.0.2.54",
            "dname    DNAME nsec3.test.",
            "srv      SRV   0 5 53 ns1",
            "");

    private static final ZoneTable ZONES = TestZones.table(
            "example.", EXAMPLE,
            "nsec.test.", resource("fuzz/nsec.test.signed"),
            "nsec3.test.", resource("fuzz/nsec3.test.signed"));

    private static final QueryHandler HANDLER = handler();

    private static QueryHandler handler() {
        QueryHandler handler = new QueryHandler(() -> ZONES, UDP_THRESHOLD, NotifyReceiver.NONE,
                ServerIdentity.of("full", "fuzz-1", "0.0.0", "fuzz-host"));
        TSIG key = new TSIG(TSIG.HMAC_SHA256, KEY_NAME, KEY_SECRET);
        handler.keysFrom(name -> name.equals(KEY_NAME) ? key : null);
        handler.transfersTo((query, wire, client) -> {
            int qtype = query.getQuestion().getType();
            assertThat(qtype).as("handed off").isIn(Type.AXFR, Type.IXFR);
            return new TcpResponse.Close();
        });
        return handler;
    }

    @FuzzTest
    void answersAnyMessage(byte[] input) {
        if (input.length == 0) {
            return;
        }
        boolean tcp = (input[0] & 1) != 0;
        boolean viaHandleTcp = tcp && (input[0] & 2) != 0;
        byte[] wire = Arrays.copyOfRange(input, 1, input.length);
        byte[] original = wire.clone();

        byte[] response;
        if (viaHandleTcp) {
            TcpResponse outcome = HANDLER.handleTcp(wire, new InetSocketAddress(SOURCE, 5353));
            if (outcome instanceof TcpResponse.Stream) {
                throw new AssertionError("a stream without a transfer handoff that streams");
            }
            response = outcome instanceof TcpResponse.Single single ? single.wire() : null;
            if (response == null && isTransferQuestion(wire)) {
                return; // the stub handoff closes
            }
        } else {
            response = HANDLER.handle(wire, tcp, SOURCE);
        }
        assertThat(wire).as("the query is not changed").isEqualTo(original);
        checkResponse(wire, response, tcp);
    }

    static void checkResponse(byte[] wire, byte[] response, boolean tcp) {
        boolean mustDrop = wire.length < 12 || (wire[2] & 0x80) != 0;
        if (response == null) {
            assertThat(mustDrop).as("dropped a query that needs an answer").isTrue();
            return;
        }
        assertThat(mustDrop).as("answered a message that must be dropped").isFalse();
        Message parsed;
        try {
            parsed = new Message(response);
        } catch (IOException e) {
            throw new AssertionError("the response does not parse: " + e, e);
        }
        Header header = parsed.getHeader();
        assertThat(header.getID()).as("id").isEqualTo((wire[0] & 0xFF) << 8 | (wire[1] & 0xFF));
        assertThat(header.getFlag(org.xbill.DNS.Flags.QR)).as("QR").isTrue();
        assertThat(header.getOpcode()).as("opcode").isEqualTo((wire[2] >> 3) & 0xF);

        Message query = parseOrNull(wire);
        if (query != null && query.getQuestion() != null) {
            Record asked = query.getQuestion();
            Record echoed = parsed.getQuestion();
            assertThat(echoed).as("the question echoed").isNotNull();
            assertThat(echoed.getName()).isEqualTo(asked.getName());
            assertThat(echoed.getType()).isEqualTo(asked.getType());
            assertThat(echoed.getDClass()).isEqualTo(asked.getDClass());
        }
        if (!tcp) {
            OPTRecord opt = query == null ? null : query.getOPT();
            int limit = opt == null ? 512 : Math.min(Math.max(512, opt.getPayloadSize()), UDP_THRESHOLD);
            if (query == null || query.getTSIG() == null) {
                // a signed response carries its TSIG record beyond the limit the answer was fitted to
                assertThat(response.length).as("UDP response size").isLessThanOrEqualTo(limit);
            }
        }
    }

    private static Message parseOrNull(byte[] wire) {
        try {
            return ReceivedMessage.parse(wire);
        } catch (IOException e) {
            return null;
        }
    }

    private static boolean isTransferQuestion(byte[] wire) {
        Message query = parseOrNull(wire);
        return query != null && query.getQuestion() != null
                && query.getHeader().getCount(Section.QUESTION) == 1
                && (query.getQuestion().getType() == Type.AXFR || query.getQuestion().getType() == Type.IXFR);
    }

    private static String resource(String name) {
        try (InputStream in = QueryHandlerFuzzTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
