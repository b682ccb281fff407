package dev.tern.server.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.GenericEDNSOption;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSIDOption;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;
import dev.tern.server.testing.TestZones;

/** The CH-class identity answers and the NSID, through the query path: bytes in, bytes out. */
class ServerIdentityTest {
    private static final String ZONE = String.join("\n",
            "$TTL 3600",
            "@ SOA ns1 hostmaster 2024010101 7200 3600 1209600 300",
            "@ NS ns1",
            "ns1 A 192.0.2.53");

    private static QueryHandler handler(String versionString, String serverId) {
        return new QueryHandler(() -> TestZones.table("example.com.", ZONE), 1232, NotifyReceiver.NONE,
                ServerIdentity.of(versionString, serverId, "9.9.9", "host.test"));
    }

    /** version-string | server-id | qname | qtype | rcode | the answer, or empty */
    @ParameterizedTest(name = "version-string={0} server-id={1}: {2} CH {3} -> {4}")
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
            full              |             | version.bind.   | TXT | NOERROR  | version.bind. 5 CH TXT "Tern 9.9.9"
            full              |             | version.server. | TXT | NOERROR  | version.server. 5 CH TXT "Tern 9.9.9"
            full              |             | version.pdns.   | TXT | NOERROR  | version.pdns. 5 CH TXT "Tern 9.9.9"
            full              |             | VERSION.Bind.   | TXT | NOERROR  | VERSION.Bind. 5 CH TXT "Tern 9.9.9"
            full              |             | version.bind.   | ANY | NOERROR  | version.bind. 5 CH TXT "Tern 9.9.9"
            powerdns          |             | version.bind.   | TXT | NOERROR  | version.bind. 5 CH TXT "Served by Tern"
            'not telling'     |             | version.server. | TXT | NOERROR  | version.server. 5 CH TXT "not telling"
            anonymous         |             | version.bind.   | TXT | SERVFAIL | none
            anonymous         |             | id.server.      | TXT | NOERROR  | id.server. 5 CH TXT "host.test"
            full              |             | id.server.      | TXT | NOERROR  | id.server. 5 CH TXT "host.test"
            full              |             | hostname.bind.  | TXT | NOERROR  | hostname.bind. 5 CH TXT "host.test"
            full              | ns7.example | id.server.      | TXT | NOERROR  | id.server. 5 CH TXT "ns7.example"
            full              | disabled    | id.server.      | TXT | REFUSED  | none
            full              | disabled    | hostname.bind.  | TXT | REFUSED  | none
            full              | disabled    | version.bind.   | TXT | NOERROR  | version.bind. 5 CH TXT "Tern 9.9.9"
            full              |             | authors.bind.   | TXT | REFUSED  | none
            full              |             | example.com.    | SOA | REFUSED  | none
            full              |             | version.bind.   | A   | REFUSED  | none
            full              |             | id.server.      | NS  | REFUSED  | none
            """)
    void answersChaosQuestionsFromTheSettings(String versionString, String serverId, String qname, String qtype,
                                              String rcode, String answer) throws Exception {
        for (boolean tcp : List.of(false, true)) {
            Message response = ask(handler(versionString, serverId == null ? "" : serverId),
                    query(qname, Type.value(qtype), DClass.CH), tcp);
            assertThat(Rcode.string(response.getRcode())).isEqualTo(rcode);
            assertThat(response.getQuestion().getName().toString()).isEqualTo(qname);
            if (answer == null) {
                assertThat(response.getSection(Section.ANSWER)).isEmpty();
                assertThat(response.getHeader().getFlag(Flags.AA)).isFalse();
            } else {
                assertThat(response.getSection(Section.ANSWER)).extracting(r -> r.toString().replaceAll("\\s+", " "))
                        .containsExactly(answer);
                assertThat(response.getHeader().getFlag(Flags.AA)).isTrue();
            }
        }
    }

    @Test
    void theTextIsSentAsWrittenInStringsOf255Bytes() throws Exception {
        String text = "a \"quoted\" \\ back\\slash, " + "x".repeat(300) + " é";
        Message response = ask(handler(text, ""), query("version.bind.", Type.TXT, DClass.CH), false);
        TXTRecord txt = (TXTRecord) response.getSection(Section.ANSWER).get(0);
        List<byte[]> strings = txt.getStringsAsByteArrays();
        assertThat(strings).hasSize(2);
        assertThat(strings.get(0)).hasSize(255);
        byte[] joined = new byte[strings.get(0).length + strings.get(1).length];
        System.arraycopy(strings.get(0), 0, joined, 0, 255);
        System.arraycopy(strings.get(1), 0, joined, 255, strings.get(1).length);
        assertThat(new String(joined, StandardCharsets.UTF_8)).isEqualTo(text);
    }

    @Test
    void anEmptyVersionStringIsOneEmptyString() throws Exception {
        Message response = ask(handler("", ""), query("version.bind.", Type.TXT, DClass.CH), false);
        assertThat(response.getSection(Section.ANSWER)).extracting(Record::rdataToString).containsExactly("\"\"");
    }

    @Test
    void anEmptyNsidOptionGetsTheServerIdOnAnyAnswer() throws Exception {
        QueryHandler handler = handler("full", "ns7.example");
        for (String qname : List.of("ns1.example.com.", "nx.example.com.", "example.org.")) {
            Message query = query(qname, Type.A, DClass.IN);
            query.addRecord(new OPTRecord(1232, 0, 0, ExtendedFlags.DO, new NSIDOption(new byte[0])),
                    Section.ADDITIONAL);
            for (boolean tcp : List.of(false, true)) {
                Message response = ask(handler, query, tcp);
                assertThat(nsid(response)).as(qname).isEqualTo("ns7.example");
                assertThat(response.getOPT().getFlags() & ExtendedFlags.DO).isNotZero();
            }
        }
    }

    @Test
    void anEmptyNsidOptionGetsTheHostNameByDefault() throws Exception {
        Message query = query("version.bind.", Type.TXT, DClass.CH);
        query.addRecord(new OPTRecord(1232, 0, 0, 0, new NSIDOption(new byte[0])), Section.ADDITIONAL);
        assertThat(nsid(ask(handler("full", ""), query, false))).isEqualTo("host.test");
    }

    @Test
    void noNsidWithoutTheOptionWithDataInItOrWhenDisabled() throws Exception {
        Message plain = query("ns1.example.com.", Type.A, DClass.IN);
        plain.addRecord(new OPTRecord(1232, 0, 0), Section.ADDITIONAL);
        assertThat(ask(handler("full", "ns7.example"), plain, false).getOPT().getOptions()).isEmpty();

        Message withData = query("ns1.example.com.", Type.A, DClass.IN);
        withData.addRecord(new OPTRecord(1232, 0, 0, 0, new NSIDOption(new byte[] {1})), Section.ADDITIONAL);
        assertThat(ask(handler("full", "ns7.example"), withData, false).getOPT().getOptions()).isEmpty();

        Message asked = query("ns1.example.com.", Type.A, DClass.IN);
        asked.addRecord(new OPTRecord(1232, 0, 0, 0, new NSIDOption(new byte[0])), Section.ADDITIONAL);
        assertThat(ask(handler("full", "disabled"), asked, false).getOPT().getOptions()).isEmpty();
        assertThat(ask(new QueryHandler(() -> TestZones.table("example.com.", ZONE), 1232), asked, false)
                .getOPT().getOptions()).isEmpty();
    }

    @Test
    void nsidAndExpireTravelTogether() throws Exception {
        Message query = query("example.com.", Type.SOA, DClass.IN);
        query.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(new NSIDOption(new byte[0]),
                new GenericEDNSOption(ExpireOption.CODE, new byte[0]))), Section.ADDITIONAL);
        Message response = ask(handler("full", "ns7.example"), query, false);
        assertThat(nsid(response)).isEqualTo("ns7.example");
        assertThat(ExpireOption.value(response.getOPT())).isPositive();
    }

    @Test
    void anUnknownOpcodeGetsNotimpWithoutTheQueryFlags() throws Exception {
        for (int opcode : List.of(Opcode.IQUERY, Opcode.STATUS, 3, Opcode.UPDATE, 15)) {
            Message query = query("example.com.", Type.SOA, DClass.IN);
            query.getHeader().setOpcode(opcode);
            query.getHeader().setFlag(Flags.RD);
            query.getHeader().setFlag(Flags.CD);
            Message response = ask(handler("full", ""), query, false);
            assertThat(response.getRcode()).as("opcode %d", opcode).isEqualTo(Rcode.NOTIMP);
            assertThat(response.getHeader().getOpcode()).isEqualTo(opcode);
            assertThat(response.getHeader().getFlag(Flags.QR)).isTrue();
            assertThat(response.getHeader().getFlag(Flags.RD)).as("RD, opcode %d", opcode).isFalse();
            assertThat(response.getHeader().getFlag(Flags.CD)).as("CD, opcode %d", opcode).isFalse();
            assertThat(response.getHeader().getFlag(Flags.AA)).isFalse();
        }
    }

    @Test
    void aQueryStillGetsRdAndCdEchoed() throws Exception {
        for (String qname : List.of("ns1.example.com.", "version.bind.")) {
            Message query = query(qname, qname.startsWith("version") ? Type.TXT : Type.A,
                    qname.startsWith("version") ? DClass.CH : DClass.IN);
            query.getHeader().setFlag(Flags.RD);
            query.getHeader().setFlag(Flags.CD);
            Message response = ask(handler("full", ""), query, false);
            assertThat(response.getHeader().getFlag(Flags.RD)).isTrue();
            assertThat(response.getHeader().getFlag(Flags.CD)).isTrue();
        }
        // An AXFR over UDP is a QUERY too: FORMERR, flags echoed.
        Message axfr = query("example.com.", Type.AXFR, DClass.IN);
        axfr.getHeader().setFlag(Flags.RD);
        assertThat(ask(handler("full", ""), axfr, false).getHeader().getFlag(Flags.RD)).isTrue();
    }

    private static Message query(String qname, int qtype, int dclass) throws Exception {
        Message query = Message.newQuery(Record.newRecord(Name.fromString(qname), qtype, dclass));
        query.getHeader().unsetFlag(Flags.RD);
        return query;
    }

    private static Message ask(QueryHandler handler, Message query, boolean tcp) throws Exception {
        return new Message(handler.handle(query.toWire(), tcp));
    }

    /** The NSID of a response as text, or null when it has none. */
    private static String nsid(Message response) {
        List<EDNSOption> options = response.getOPT().getOptions(EDNSOption.Code.NSID);
        if (options.isEmpty()) {
            return null;
        }
        byte[] wire = options.get(0).toWire();
        return new String(wire, 4, wire.length - 4, StandardCharsets.UTF_8);
    }
}
