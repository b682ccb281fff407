package dev.tern.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferIn;
import org.xbill.DNS.utils.base16;
import dev.tern.config.ConfigLoader;
import dev.tern.server.Server;
import dev.tern.server.rdata.RecordTypes;
import dev.tern.server.store.JdbcZoneStore;
import dev.tern.server.store.PdnsRecordFormat;
import dev.tern.server.store.RecordRow;
import dev.tern.server.testing.Answers;
import dev.tern.server.testing.FreePort;
import dev.tern.server.testing.KnotPrimary;
import dev.tern.server.testing.PowerDnsServer;
import dev.tern.server.testing.TernProcess;
import dev.tern.server.testing.TestZones;
import dev.tern.server.zone.ZoneKind;

/**
 * Every record type PowerDNS stores, end to end with the real programs: a zone loaded by Debian's {@code pdnsutil
 * load-zone} is served alike by pdns_server and ternd from the same gsqlite3 database; the same zone served by
 * knotd and transferred into ternd's database is served by pdns_server from that database as knotd serves it.
 */
class PowerDnsRecordTypesTest {
    private static final String KEY = "pKvURIxJVi2CgRXROh/M6pJ/UrTVRZKX+LQ+QtqJI4vBNibkPcs43bCCSIkn7JBPtCBXRDmD6IWFF51QVRr+Yg==";
    private static final String DIGEST = "F9C7AF7EBCBF098B9F5F37361D1B168BB2E5B98D930CEEF0F055377A8C94DB61";

    /**
     * One owner per type (signed zones, with RRSIGs over many types at one name, are SignedAnswersTest's and
     * KnotDnssecDifferentialTest's).
     */
    static final String ZONE = """
            $ORIGIN types.test.
            $TTL 3600
            @          SOA ns1 hostmaster 2024010101 3600 600 86400 300
            @          NS ns1
            ns1        A 127.0.0.1
            a          A 192.0.2.1
            aaaa       AAAA 2001:db8:0:0:0:0:0:1
            afsdb      AFSDB 1 afsdb-host.example.
            alias      ALIAS target.example.
            apl        APL 1:192.0.2.0/24 !1:192.0.2.128/25 2:2001:db8::/32
            caa        CAA 0 issue "letsencrypt.org"
            cdnskey    CDNSKEY 257 3 13 $KEY
            cds        CDS 12345 13 2 $DIGEST
            cert       CERT 3 0 0 $KEY
            cname      CNAME target.example.
            csync      CSYNC 2024010101 3 A NS AAAA
            dhcid      DHCID /wkJFF/DUzt4+6uQQNQu3r3NDz0fnj/kqQXqqi+x8ocAAQE=
            dlv        DLV 12345 13 2 $DIGEST
            dname      DNAME target.example.
            dnskey     DNSKEY 257 3 13 $KEY
            ds         DS 12345 13 2 $DIGEST
            eui48      EUI48 00-50-56-9b-00-e7
            eui64      EUI64 00-50-56-ff-fe-9b-00-e7
            hinfo      HINFO "PC Intel" "Linux"
            https      HTTPS 1 . alpn=h2,h3 ipv4hint=192.0.2.1 ipv6hint=2001:db8::1
            ipseckey   IPSECKEY 10 1 2 192.0.2.38 $KEY
            ipseckey6  IPSECKEY 10 2 2 2001:db8::38 $KEY
            ipseckeyn  IPSECKEY 10 0 2 . $KEY
            key        KEY 256 3 13 $KEY
            kx         KX 10 kx-host.types.test.
            l32        L32 10 192.0.2.1
            l64        L64 10 2001:0db8:1140:1000
            loc        LOC 52 22 23.000 N 4 53 32.000 E -2.00m 1m 10000m 10m
            lp         LP 10 l64.types.test.
            mb         MB mbox-host.types.test.
            mg         MG mgmname.types.test.
            minfo      MINFO rmailbx.types.test. emailbx.types.test.
            mr         MR newname.types.test.
            mx         MX 10 mail
            naptr      NAPTR 100 10 "S" "SIP+D2U" "" _sip._udp.types.test.
            nid        NID 10 0014:4fff:ff20:ee64
            nsec       NSEC next.types.test. A RRSIG NSEC
            nsec3      NSEC3 1 1 12 aabbccdd 2vptu5timamqttgl4luu9kg21e0aor3s A RRSIG
            openpgpkey OPENPGPKEY $KEY
            ptr        PTR host.example.
            rkey       RKEY 0 3 5 $KEY
            rp         RP mbox.example. txt.example.
            rrsig      A 192.0.2.7
            rrsig      RRSIG A 13 2 3600 20300101000000 20240101000000 12345 types.test. $KEY
            smimea     SMIMEA 3 1 1 $DIGEST
            spf        SPF "v=spf1 -all"
            srv        SRV 10 20 5060 sip
            sshfp      SSHFP 1 1 $DIGEST
            svcb       SVCB 1 svc-target.types.test. alpn=h2 port=8443
            tlsa       TLSA 3 1 1 $DIGEST
            txt        TXT "hello world" "say \\"hi\\"\\\\ \\009\\255"
            uri        URI 10 1 "https://example.com/"
            zonemd     ZONEMD 2024010101 1 1 1a6e359fc97bfaaf380f39eb49a44968db34c359cc6d4965aa6b7ff6feb36ffd59cd11202d9c43be81fd995681686260
            unknown    TYPE65280 \\# 4 0a000001
            rt         TYPE21 \\# 17 000a0552656c6179074578616d706c6500
            """.replace("$KEY", KEY).replace("$DIGEST", DIGEST);

    /** Types knotd 3.2 has no mnemonic for; it is given them in RFC 3597 form. */
    private static final Set<Integer> UNKNOWN_TO_KNOT = Set.of(Type.RKEY, RecordTypes.ALIAS, Type.DLV, Type.MB,
            Type.MG, Type.MR);

    @TempDir
    static Path dir;

    @BeforeAll
    static void registerTypes() {
        RecordTypes.register();
    }

    @Test
    void ternServesWhatPowerDnsServesFromTheSameDatabase() throws Exception {
        Path pdnsDir = Files.createDirectories(dir.resolve("pdns"));
        Path database = pdnsDir.resolve("pdns.sqlite3");
        PowerDnsServer.createDatabase(database);
        PowerDnsServer.configure(pdnsDir, database, List.of());
        Path zoneFile = pdnsDir.resolve("types.test.zone");
        Files.writeString(zoneFile, powerDnsZone());
        PowerDnsServer.pdnsutil(pdnsDir, "load-zone", "types.test", zoneFile.toString());
        PowerDnsServer.pdnsutil(pdnsDir, "rectify-zone", "types.test");
        Path ternDir = Files.createDirectories(dir.resolve("tern-native"));
        Path copy = ternDir.resolve("copy.sqlite3");
        Files.copy(database, copy, StandardCopyOption.REPLACE_EXISTING);

        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> log =
                new ch.qos.logback.core.read.ListAppender<>();
        ch.qos.logback.classic.Logger publisher = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(
                dev.tern.server.events.ZonePublisher.class);
        publisher.addAppender(log);
        log.start();
        try (PowerDnsServer pdns = PowerDnsServer.start(pdnsDir, "types.test.");
             TernProcess tern = TernProcess.open(ternDir, copy, List.of())) {
            assertThat(differences(pdns.port(), "pdns_server", tern.port(), "ternd")).isEmpty();
            // The log says what Tern does with ALIAS, once for the serial.
            assertThat(log.list).filteredOn(e -> e.getFormattedMessage().contains("ALIAS at alias.types.test."))
                    .hasSize(1).allMatch(e -> e.getFormattedMessage().contains("Tern does not resolve ALIAS"));
            assertThat(differenceFromZone(transferredZone(tern.port()), Set.of())).isEmpty();
        }
        publisher.detachAppender(log);
        // Every row pdnsutil wrote, RRSIG included, reads as the zone's record.
        TreeSet<String> read = new TreeSet<>();
        for (RecordRow row : rows(database)) {
            read.add(TestZones.line(PdnsRecordFormat.toRecord(PdnsRecordFormat.parseOwner(row.name()), row.type(),
                    row.content(), row.ttl(), row.prio())).toLowerCase(Locale.ROOT));
        }
        assertThat(differenceFromZone(read, Set.of())).isEmpty();
    }

    @Test
    void powerDnsServesWhatTernTransferredFromKnot() throws Exception {
        Path knotDir = Files.createDirectories(dir.resolve("knot"));
        Path ternDir = Files.createDirectories(dir.resolve("tern-secondary"));
        Path database = ternDir.resolve("tern.sqlite3");
        int knotPort = FreePort.pick();
        try (JdbcZoneStore store = JdbcZoneStore.openSqlite(database, 5000, 3600)) {
            store.createZone(Name.fromConstantString("types.test."), ZoneKind.SECONDARY, "127.0.0.1:" + knotPort);
        }
        try (KnotPrimary knot = KnotPrimary.start(knotDir, knotPort, "types.test", knotZone(), null, 0)) {
            try (Server tern = new Server(new ConfigLoader().load(List.of("local-address=127.0.0.1", "local-port=0",
                    "gsqlite3-database=" + database, "secondary=yes", "sql-poll-interval=1",
                    "socket-dir=" + ternDir))).start(false)) {
                Answers.awaitSerial(tern.port(), "types.test.", 2024010101, Duration.ofSeconds(20), null,
                        "ternd", () -> "no log in-process");
                assertThat(differences(knot.port(), "knotd", tern.port(), "ternd")).isEmpty();
                // With NSEC records the zone is presigned to ternd, as to pdns_server: the denial chain is built from
                // the zone's names when it loads (PowerDnsServesTernSignedTest checks real chains), so this zone's
                // lone NSEC, NSEC3 and NSEC3PARAM are left out here.
                assertThat(differenceFromZone(transferredZone(tern.port()), Set.of(Type.NSEC, Type.NSEC3, Type.NSEC3PARAM)))
                        .isEmpty();
            }
            // pdns_server refuses qtype RRSIG, so the RRSIG row is compared with what pdns_server 4.7.3 wrote for
            // this record when it transferred it itself: the signer without the trailing dot.
            assertThat(rows(database)).filteredOn(row -> row.type().equals("RRSIG")).containsExactly(new RecordRow(
                    "rrsig.types.test", "RRSIG", "A 13 2 3600 20300101000000 20240101000000 12345 types.test " + KEY,
                    3600, 0));
            // pdns_server reads the rows ternd wrote.
            Path pdnsDir = Files.createDirectories(dir.resolve("pdns-on-tern"));
            PowerDnsServer.configure(pdnsDir, database, List.of());
            try (PowerDnsServer pdns = PowerDnsServer.start(pdnsDir, "types.test.")) {
                assertThat(differences(knot.port(), "knotd", pdns.port(), "pdns_server")).isEmpty();
            }
        }
    }

    /**
     * The zone for pdnsutil: PowerDNS reads an IPSECKEY without a gateway only without the {@code .} RFC 4025 3.1
     * writes there.
     */
    static String powerDnsZone() {
        return ZONE.replace("IPSECKEY 10 0 2 . ", "IPSECKEY 10 0 2 ");
    }

    /** The zone for knotd: the same records, those of types it cannot name written as RFC 3597 generic data. */
    static String knotZone() {
        StringBuilder text = new StringBuilder("$ORIGIN types.test.\n$TTL 3600\n");
        for (String line : ZONE.split("\n")) {
            if (line.startsWith("$")) {
                continue;
            }
            Record record = TestZones.records("types.test.", "$ORIGIN types.test.\n" + line + "\n").get(0);
            if (UNKNOWN_TO_KNOT.contains(record.getType())) {
                byte[] rdata = record.rdataToWireCanonical();
                text.append(record.getName()).append(' ').append(record.getTTL()).append(" IN TYPE")
                        .append(record.getType()).append(" \\# ").append(rdata.length).append(' ')
                        .append(base16.toString(rdata)).append('\n');
            } else {
                text.append(line).append('\n');
            }
        }
        return text.toString();
    }

    /**
     * Questions a server cannot answer with the zone's data, and why; they are left out of the comparison, and the
     * records behind them are compared by AXFR instead ({@link #transferredZone}).
     */
    static String unanswerable(String who, String name, int type) {
        if (type == Type.RRSIG && who.equals("pdns_server")) {
            return "PowerDNS refuses a query for qtype RRSIG";
        }
        if (type == Type.NSEC && who.equals("knotd")) {
            return "a transferred zone with NSEC records is presigned: ternd, like pdns_server, stores no NSEC rows and"
                    + " builds the chain from the zone's names when it loads, so this lone NSEC (not a chain) is not"
                    + " served as knotd serves it; PowerDnsServesTernSignedTest covers real NSEC chains";
        }
        if (type == Type.NSEC3 && (who.equals("knotd") || who.equals("ternd"))) {
            // RFC 5155 7.2.9: a query for an NSEC3 owner name is answered as if the name did not exist.
            return who + " keeps NSEC3 records out of the zone's tree of names: their owner is NXDOMAIN";
        }
        return null;
    }

    /**
     * Asks both servers every owner and type of the zone over TCP; lists where the rcode or the answer section (as a
     * set of records) differ, or where the answer is not the zone's records.
     */
    static List<String> differences(int expectedPort, String expectedWho, int actualPort, String actualWho)
            throws Exception {
        Map<String, TreeSet<String>> zone = new LinkedHashMap<>();
        for (Record record : TestZones.records("types.test.", ZONE)) {
            zone.computeIfAbsent(record.getName() + " " + record.getType(), question -> new TreeSet<>())
                    .add(TestZones.line(record).toLowerCase(Locale.ROOT));
        }
        // An ALIAS is not resolved: its owner has no address records (PowerDNS without expand-alias, its default).
        zone.put("alias.types.test. " + Type.A, new TreeSet<>());
        zone.put("alias.types.test. " + Type.AAAA, new TreeSet<>());
        List<String> differences = new ArrayList<>();
        int compared = 0;
        for (Map.Entry<String, TreeSet<String>> question : zone.entrySet()) {
            String name = question.getKey().split(" ")[0];
            int type = Integer.parseInt(question.getKey().split(" ")[1]);
            if (unanswerable(expectedWho, name, type) != null || unanswerable(actualWho, name, type) != null) {
                continue;
            }
            compared++;
            Message expected = Answers.query(expectedPort, name, type);
            Message actual = Answers.query(actualPort, name, type);
            String asked = name + " " + Type.string(type) + ": ";
            if (expected.getRcode() != actual.getRcode()) {
                differences.add(asked + expectedWho + " " + Rcode.string(expected.getRcode()) + ", " + actualWho
                        + " " + Rcode.string(actual.getRcode()));
            }
            TreeSet<String> want = lines(expected);
            TreeSet<String> got = lines(actual);
            if (!want.equals(got)) {
                differences.add(asked + expectedWho + " " + want + ", " + actualWho + " " + got);
            } else if (!want.equals(question.getValue())) {
                differences.add(asked + "both " + want + ", the zone " + question.getValue());
            }
        }
        // Every question but those unanswerable() lists for these two servers (at most three).
        assertThat(compared).as("questions compared").isGreaterThanOrEqualTo(zone.size() - 3);
        return differences;
    }

    /** The records rows of a gsqlite3 database, empty non-terminals left out. */
    static List<RecordRow> rows(Path database) throws Exception {
        List<RecordRow> rows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
             Statement statement = connection.createStatement();
             ResultSet result = statement.executeQuery("SELECT name, type, content, ttl, prio FROM records"
                     + " WHERE type IS NOT NULL AND type <> ''")) {
            while (result.next()) {
                rows.add(new RecordRow(result.getString(1), result.getString(2), result.getString(3),
                        result.getLong(4), result.getInt(5)));
            }
        }
        return rows;
    }

    /**
     * The zone as ternd sends it by AXFR, one record per line, the closing SOA left out, RRSIGs included.
     */
    static TreeSet<String> transferredZone(int port) throws Exception {
        ZoneTransferIn axfr = ZoneTransferIn.newAXFR(Name.fromConstantString("types.test."),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port), null);
        axfr.setTimeout(Duration.ofSeconds(10));
        axfr.run();
        TreeSet<String> lines = new TreeSet<>();
        for (Record record : axfr.getAXFR()) {
            lines.add(TestZones.line(record).toLowerCase(Locale.ROOT));
        }
        return lines;
    }

    /**
     * The zone's lines of types other than {@code leftOut} missing from {@code lines} ("-"), and the lines it has
     * that the zone has not ("+").
     */
    static List<String> differenceFromZone(TreeSet<String> lines, Set<Integer> leftOut) {
        TreeSet<String> zone = new TreeSet<>();
        for (Record record : TestZones.records("types.test.", ZONE)) {
            if (leftOut.contains(record.getType())) {
                continue;
            }
            zone.add(TestZones.line(record).toLowerCase(Locale.ROOT));
        }
        List<String> differences = new ArrayList<>();
        zone.stream().filter(line -> !lines.contains(line)).forEach(line -> differences.add("- " + line));
        lines.stream().filter(line -> !zone.contains(line) && leftOut.stream().noneMatch(
                type -> line.split(" ")[2].equals(Type.string(type).toLowerCase(Locale.ROOT))))
                .forEach(line -> differences.add("+ " + line));
        return differences;
    }

    private static TreeSet<String> lines(Message message) {
        TreeSet<String> lines = new TreeSet<>();
        for (Record record : message.getSection(Section.ANSWER)) {
            lines.add(TestZones.line(record).toLowerCase(Locale.ROOT));
        }
        return lines;
    }
}
