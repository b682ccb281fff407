package dev.tern.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Master;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.UNKRecord;

/**
 * Every type PowerDNS stores, in PowerDNS's text: content -> Record -> wire -> Record -> the row PowerDNS writes.
 * The PowerDNS column is what Debian's pdns_server 4.7.3 wrote for these records after an AXFR and what {@code
 * pdnsutil add-record} wrote for the same text (NSEC, NSEC3, NSEC3PARAM never arrive by AXFR: PowerDNS keeps them
 * out of a transferred zone); the master-file column is the same rdata as a zone file writes it.
 */
class PdnsRecordFormatTest {
    static final String KEY = "pKvURIxJVi2CgRXROh/M6pJ/UrTVRZKX+LQ+QtqJI4vBNibkPcs43bCCSIkn7JBPtCBXRDmD6IWFF51QVRr+Yg==";
    static final String DIGEST = "f9c7af7ebcbf098b9f5f37361d1b168bb2e5b98d930ceef0f055377a8c94db61";
    static final String ZONEMD_DIGEST = "1a6e359fc97bfaaf380f39eb49a44968db34c359cc6d4965aa6b7ff6feb36ffd59cd11202d9c43be8"
            + "1fd995681686260";

    /** type | prio | PowerDNS content | master-file rdata (origin types.test.) */
    static final String TABLE = """
            A          | 0  | 192.0.2.1                                  | 192.0.2.1
            AAAA       | 0  | 2001:db8::1                                | 2001:db8:0:0:0:0:0:1
            AFSDB      | 0  | 1 afsdb-host.Example                       | 1 afsdb-host.Example.
            ALIAS      | 0  | target.example                             | target.example.
            APL        | 0  | 1:192.0.2.0/24 !1:192.0.2.128/25 2:2001:db8::/32 | 1:192.0.2.0/24 !1:192.0.2.128/25 2:2001:db8::/32
            CAA        | 0  | 0 issue "letsencrypt.org"                  | 0 issue "letsencrypt.org"
            CAA        | 0  | 128 tbs "Unknown \\"x\\""                 | 128 tbs "Unknown \\"x\\""
            CDNSKEY    | 0  | 257 3 13 $KEY                              | 257 3 13 $KEY
            CDS        | 0  | 12345 13 2 $DIGEST                         | 12345 13 2 $DIGEST
            CERT       | 0  | 3 0 0 $KEY                                 | PGP 0 0 $KEY
            CNAME      | 0  | target.example                             | target.example.
            CSYNC      | 0  | 2024010101 3 A NS AAAA                     | 2024010101 3 A NS AAAA
            DHCID      | 0  | /wkJFF/DUzt4+6uQQNQu3r3NDz0fnj/kqQXqqi+x8ocAAQE= | /wkJFF/DUzt4+6uQQNQu3r3NDz0fnj/kqQXqqi+x8ocAAQE=
            DLV        | 0  | 12345 13 2 $DIGEST                         | 12345 13 2 $DIGEST
            DNAME      | 0  | target.example                             | target.example.
            DNSKEY     | 0  | 257 3 13 $KEY                              | 257 3 13 $KEY
            DS         | 0  | 12345 13 2 $DIGEST                         | 12345 13 2 $DIGEST
            EUI48      | 0  | 00-50-56-9b-00-e7                          | 00-50-56-9B-00-E7
            EUI64      | 0  | 00-50-56-ff-fe-9b-00-e7                    | 00-50-56-ff-fe-9b-00-e7
            HINFO      | 0  | "PC Intel" "Linux"                         | "PC Intel" Linux
            HTTPS      | 0  | 1 . alpn=h2,h3 ipv4hint=192.0.2.1          | 1 . alpn=h2,h3 ipv4hint=192.0.2.1
            IPSECKEY   | 0  | 10 1 2 192.0.2.38 $KEY                     | 10 1 2 192.0.2.38 $KEY
            IPSECKEY   | 0  | 10 3 2 gw.example YWJj                     | 10 3 2 gw.example. YWJj
            IPSECKEY   | 0  | 10 2 2 2001:db8::1 YWJj                    | 10 2 2 2001:db8:0:0:0:0:0:1 YWJj
            IPSECKEY   | 0  | 10 0 2 YWJj                                | 10 0 2 . YWJj
            KEY        | 0  | 256 3 13 $KEY                              | 256 3 13 $KEY
            KX         | 0  | 10 kx-host                                 | 10 kx-host.
            L32        | 0  | 10 192.0.2.1                               | 10 192.0.2.1
            L64        | 0  | 10 2001:0DB8:1140:1000                     | 10 2001:0db8:1140:1000
            LOC        | 0  | 52 22 23.000 N 4 53 32.000 E -2.00m 1.00m 10000.00m 10.00m | 52 22 23 N 4 53 32 E -2m 1m 10000m 10m
            LOC        | 0  | 42 21 43.952 S 71 5 6.344 W -24.00m 30.00m 10000.00m 10.00m | 42 21 43.952 S 71 5 6.344 W -24m 30m
            LP         | 0  | 10 l64-subnet                              | 10 l64-subnet.
            MB         | 0  | mbox-host                                  | mbox-host.
            MG         | 0  | mgmname                                    | mgmname.
            MINFO      | 0  | rmailbx emailbx                            | rmailbx. emailbx.
            MR         | 0  | newname                                    | newname.
            MX         | 10 | mail.types.test                            | 10 mail
            NAPTR      | 0  | 100 10 "S" "SIP+D2U" "" _sip._udp          | 100 10 S SIP+D2U "" _sip._udp.
            NAPTR      | 0  | 100 10 "" "" "!^.*$!sip:info@example.com!" . | 100 10 "" "" "!^.*$!sip:info@example.com!" .
            NID        | 0  | 10 0014:4FFF:FF20:EE64                     | 10 14:4fff:ff20:ee64
            NS         | 0  | ns1.types.test                             | ns1
            NSEC       | 0  | next.types.test. A RRSIG NSEC              | next A RRSIG NSEC
            NSEC3      | 0  | 1 1 12 aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG | 1 1 12 AABBCCDD 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S A RRSIG
            NSEC3PARAM | 0  | 1 0 1 ab                                   | 1 0 1 AB
            OPENPGPKEY | 0  | $KEY                                       | $KEY
            PTR        | 0  | host.example                               | host.example.
            RKEY       | 0  | 0 3 5 $KEY                                 | 0 3 5 $KEY
            RP         | 0  | mbox.example txt.example                   | mbox.example. txt.example.
            RRSIG      | 0  | A 13 2 3600 20300101000000 20240101000000 12345 types.test $KEY | A 13 2 3600 20300101000000 20240101000000 12345 @ $KEY
            SMIMEA     | 0  | 3 1 1 $DIGEST                              | 3 1 1 $DIGEST
            SOA        | 0  | ns1.types.test hostmaster.types.test 2024010101 3600 600 86400 300 | ns1 hostmaster 2024010101 1h 10m 1d 5m
            SPF        | 0  | "v=spf1 -all"                              | "v=spf1 -all"
            SRV        | 10 | 20 5060 sip.types.test                     | 10 20 5060 sip
            SSHFP      | 0  | 1 1 $DIGEST                                | 1 1 $DIGEST
            SVCB       | 0  | 1 svc-target alpn=h2 port=8443             | 1 svc-target. alpn=h2 port=8443
            SVCB       | 0  | 0 target.example                           | 0 target.example.
            SVCB       | 0  | 2 svc.example mandatory=alpn,port alpn=h2,h3 no-default-alpn port=443 ipv4hint=192.0.2.1,192.0.2.2 ech="AEX+DQBBpQAgACBHHCe1WwT0zFsX9DTi7l6ZvvjdbFF+KPr2Q5a0K6RdBQ==" ipv6hint=2001:db8::1,2001:db8::2 key65000="abc" | 2 svc.example. mandatory=alpn,port alpn="h2,h3" no-default-alpn port=443 ipv4hint=192.0.2.1,192.0.2.2 ipv6hint=2001:db8:0:0:0:0:0:1,2001:db8::2 ech=AEX+DQBBpQAgACBHHCe1WwT0zFsX9DTi7l6ZvvjdbFF+KPr2Q5a0K6RdBQ== key65000=abc
            TLSA       | 0  | 3 1 1 $DIGEST                              | 3 1 1 $DIGEST
            TXT        | 0  | "hello world" "second"                     | "hello world" second
            TXT        | 0  | "say \\"hi\\"\\\\ \\009\\255"              | "say \\"hi\\"\\\\ \\009\\255"
            TYPE65280  | 0  | \\# 4 0a000001                             | \\# 4 0A000001
            URI        | 0  | 10 1 "https://example.com/"                | 10 1 "https://example.com/"
            ZONEMD     | 0  | 2024010101 1 1 $ZONEMD                     | 2024010101 1 1 $ZONEMD
            """;

    /**
     * type | content as {@code pdnsutil load-zone} 4.7.3 stores it | what PowerDNS writes for the same record.
     * load-zone copies most zone-file text as it is: trailing dots stay, an address keeps its zeros, and a relative
     * name is left relative (PowerDNS then reads it as a name under the root, and so does Tern).
     */
    static final String LOAD_ZONE = """
            AAAA       | 2001:db8:0:0:0:0:0:1                       | 2001:db8::1
            ALIAS      | target.example.                            | target.example
            CDS        | 12345 13 2 F9C7AF7EBCBF098B9F5F37361D1B168BB2E5B98D930CEEF0F055377A8C94DB61 | 12345 13 2 $DIGEST
            KX         | 10 kx-host                                 | 10 kx-host
            L64        | 10 2001:0db8:1140:1000                     | 10 2001:0DB8:1140:1000
            LOC        | 52 22 23.000 N 4 53 32.000 E -2.00m 1m 10000m 10m | 52 22 23.000 N 4 53 32.000 E -2.00m 1.00m 10000.00m 10.00m
            NSEC3      | 1 1 12 aabbccdd 2VPTU5TIMAMQTTGL4LUU9KG21E0AOR3S A RRSIG | 1 1 12 aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG
            RRSIG      | A 13 2 3600 20300101000000 20240101000000 12345 types.test. $KEY | A 13 2 3600 20300101000000 20240101000000 12345 types.test $KEY
            """;

    private static final Name OWNER = Name.fromConstantString("x.types.test.");
    private static final Name ORIGIN = Name.fromConstantString("types.test.");

    /** One row of a table. */
    record Row(String type, int prio, String content, String other) {
        @Override
        public String toString() {
            return type + " " + content;
        }
    }

    static Stream<Row> table() {
        return rows(TABLE, true);
    }

    static Stream<Row> loadZone() {
        return rows(LOAD_ZONE, false);
    }

    private static Stream<Row> rows(String table, boolean withPrio) {
        List<Row> rows = new ArrayList<>();
        for (String line : table.strip().split("\n")) {
            String[] cells = line.replace("$KEY", KEY).replace("$DIGEST", DIGEST).replace("$ZONEMD", ZONEMD_DIGEST)
                    .split(" \\| ");
            rows.add(withPrio
                    ? new Row(cells[0].strip(), Integer.parseInt(cells[1].strip()), cells[2].strip(), cells[3].strip())
                    : new Row(cells[0].strip(), 0, cells[1].strip(), cells[2].strip()));
        }
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void powerDnsContentRoundTripsThroughWire(Row row) throws Exception {
        Record read = PdnsRecordFormat.toRecord(OWNER, row.type(), row.content(), 3600, row.prio());
        if (!row.type().startsWith("TYPE")) {
            assertThat(read).as("dnsjava has a class for %s", row.type()).isNotInstanceOf(UNKRecord.class);
        }
        Record fromWire = Record.fromWire(read.toWire(Section.ANSWER), Section.ANSWER);
        assertThat(fromWire).isEqualTo(read);
        assertThat(fromWire.getClass()).isEqualTo(read.getClass());

        RecordRow written = PdnsRecordFormat.toRow(fromWire);
        assertThat(written).isEqualTo(new RecordRow("x.types.test", row.type(), row.content(), 3600, row.prio()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void masterFileFormParsesToTheSameRecord(Row row) throws Exception {
        Record expected = PdnsRecordFormat.toRecord(OWNER, row.type(), row.content(), 3600, row.prio());
        assertThat(Record.fromString(OWNER, Type.value(row.type(), true), DClass.IN, 3600, row.other(), ORIGIN))
                .isEqualTo(expected);
        // dnsjava's own presentation, as ternctl zone show prints it, reads back through a master file.
        String zone = "$ORIGIN types.test.\nx 3600 IN " + row.type() + " " + row.other() + "\n" + expected + "\n";
        try (Master master = new Master(new ByteArrayInputStream(zone.getBytes(StandardCharsets.UTF_8)))) {
            assertThat(master.nextRecord()).isEqualTo(expected);
            assertThat(master.nextRecord()).isEqualTo(expected);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("loadZone")
    void readsWhatPdnsutilLoadZoneStores(Row row) throws Exception {
        Record read = PdnsRecordFormat.toRecord(OWNER, row.type(), row.content(), 3600, 0);
        assertThat(PdnsRecordFormat.toRow(read).content()).isEqualTo(row.other());
    }

    @Test
    void aTypePowerDnsDoesNotKnowIsStoredAsTypeNnnWithGenericContent() throws Exception {
        Record hip = Record.fromString(OWNER, Type.RT, DClass.IN, 3600, "10 Relay.Example.", ORIGIN);
        RecordRow row = PdnsRecordFormat.toRow(hip);
        assertThat(row).isEqualTo(new RecordRow("x.types.test", "TYPE21", "\\# 17 000a0552656c6179074578616d706c6500",
                3600, 0));
        assertThat(PdnsRecordFormat.toRecord(OWNER, row.type(), row.content(), 3600, 0)).isEqualTo(hip);
    }

    @Test
    void aRelativeNameInContentIsUnderTheRootAsPowerDnsReadsIt() throws Exception {
        Record kx = PdnsRecordFormat.toRecord(OWNER, "KX", "10 kx-host", 3600, 0);
        assertThat(kx.rdataToString()).isEqualTo("10 kx-host.");
    }

    @Test
    void contentThatDnsjavaRejectsWithAnUncheckedExceptionIsAnIOException() {
        // found by PdnsRecordFormatFuzzTest: dnsjava's SVCB parser throws NumberFormatException for this port
        assertThatThrownBy(() -> PdnsRecordFormat.toRecord(OWNER, "SVCB", "1 svc-target alpn=h2 port=84!43", 3600, 0))
                .isInstanceOf(TextParseException.class)
                .hasMessageContaining("84!43");
        // dnsjava's LOC parser throws ArrayIndexOutOfBoundsException for seconds that end in a dot
        assertThatThrownBy(() -> PdnsRecordFormat.toRecord(OWNER, "LOC",
                "42 21 43.952 S 71 5 4634. W -24.00m 30.00m 10000.00m 10.00m", 3600, 0))
                .isInstanceOf(TextParseException.class);
        // dnsjava takes an ech value that is not base64 as null, then throws NullPointerException writing it
        assertThatThrownBy(() -> PdnsRecordFormat.toRecord(OWNER, "SVCB", "1 . ech=\"AEX+DQ\u00ff==\"", 3600, 0))
                .isInstanceOf(TextParseException.class);
    }

    @Test
    void contentWithALineBreakDoesNotParse() {
        // found by PdnsRecordFormatFuzzTest: dnsjava stopped at the line break and ignored the rest
        assertThatThrownBy(() -> PdnsRecordFormat.toRecord(OWNER, "A", "192.0.2.1\ngarbage", 3600, 0))
                .isInstanceOf(TextParseException.class)
                .hasMessage("a line break in the content");
    }

    @Test
    void aTxtRecordWithoutAStringDoesNotParse() {
        // found by PdnsRecordFormatFuzzTest: empty content read as a TXT of no string, written back as ""
        assertThatThrownBy(() -> PdnsRecordFormat.toRecord(OWNER, "TXT", "", 3600, 0))
                .isInstanceOf(TextParseException.class);
        assertThatThrownBy(() -> PdnsRecordFormat.toRecord(OWNER, "SPF", " ", 3600, 0))
                .isInstanceOf(TextParseException.class);
    }

    @Test
    void aCaaTagOtherThanLettersAndDigitsDoesNotParse() {
        // found by PdnsRecordFormatFuzzTest: dnsjava took the tag "tbs " and wrote it back as "tbs"
        assertThatThrownBy(() -> PdnsRecordFormat.toRecord(OWNER, "CAA", "128 tbs\\ \"x\"", 3600, 0))
                .isInstanceOf(TextParseException.class)
                .hasMessage("CAA tag 'tbs ' (expected: letters and digits only)");
    }

    @Test
    void anEmptyAlpnIdDoesNotParse() {
        // found by PdnsRecordFormatFuzzTest: dnsjava took "alpn=,h2" and wrote it back as "alpn=h2"
        assertThatThrownBy(() -> PdnsRecordFormat.toRecord(OWNER, "HTTPS", "1 . alpn=,h2", 3600, 0))
                .isInstanceOf(TextParseException.class);
    }
}
