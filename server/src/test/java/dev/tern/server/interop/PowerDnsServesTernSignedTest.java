package dev.tern.server.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import dev.tern.server.cli.TernCtlMain;
import dev.tern.server.store.JdbcZoneStore;
import dev.tern.server.testing.Answers;
import dev.tern.server.testing.KnotPrimary;
import dev.tern.server.testing.Peers;
import dev.tern.server.testing.PowerDnsServer;
import dev.tern.server.testing.SignedZone;
import dev.tern.server.testing.TernProcess;
import dev.tern.server.zone.ZoneKind;

/**
 * Signed zones through Tern's database into PowerDNS. knotd serves zones signed by dnssec-signzone (NSEC, NSEC3,
 * NSEC3 with Opt-Out); pdns_server 4.7 (gsqlite3-dnssec=yes) transfers them as a secondary into its own database,
 * which is the reference for the rows; an in-process ternd transfers them too. Tern's rows and metadata equal
 * PowerDNS's, and a pdns_server serving Tern's database answers questions with DO=1 as knotd does. A master file
 * loaded by {@code ternctl zone load} is stored the same way.
 */
class PowerDnsServesTernSignedTest {
    private static final long SERIAL = 2026120201;
    private static final Map<String, SignedZone.Denial> ZONES = new LinkedHashMap<>();

    static {
        ZONES.put("nsec.test", SignedZone.Denial.NSEC);
        ZONES.put("nsec3.test", SignedZone.Denial.NSEC3);
        ZONES.put("optout.test", SignedZone.Denial.NSEC3_OPT_OUT);
    }

    @TempDir
    static Path dir;
    private static final Map<String, Path> signed = new LinkedHashMap<>();
    private static final List<KnotPrimary> knots = new ArrayList<>();
    private static final Map<String, KnotPrimary> knotOf = new LinkedHashMap<>();
    private static PowerDnsServer pdnsSecondary;
    private static Path pdnsDatabase;
    private static TernProcess tern;

    static String zoneText(String zone) {
        return "$ORIGIN " + zone + ".\n$TTL 300\n@ SOA ns1 hostmaster " + SERIAL + " 3600 600 86400 60\n"
                + "@ NS ns1\n@ MX 10 mail\nns1 A 127.0.0.1\nmail A 127.0.0.2\nwww A 127.0.0.10\n"
                + "a.b.c A 127.0.0.3\n_sip._tcp SRV 0 5 5060 sip\nsip A 127.0.0.4\n*.wild TXT \"wild\"\n"
                + "child NS ns.child\nchild DS 12345 13 2 3bf2c3e1c2e4c5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0\n"
                + "ns.child A 127.0.0.5\ndeep.ns.child A 127.0.0.6\nnods NS ns.nods\nns.nods A 127.0.0.7\n";
    }

    @BeforeAll
    static void start() throws Exception {
        for (Map.Entry<String, SignedZone.Denial> zone : ZONES.entrySet()) {
            Path file = SignedZone.sign(dir.resolve("sign-" + zone.getKey()), zone.getKey(),
                    zoneText(zone.getKey()), zone.getValue());
            signed.put(zone.getKey(), file);
            KnotPrimary knot = KnotPrimary.start(Files.createDirectories(dir.resolve("knot-" + zone.getKey())),
                    zone.getKey(), Files.readString(file), null);
            knots.add(knot);
            knotOf.put(zone.getKey(), knot);
        }
        // The reference: PowerDNS as a secondary of the same knotd, writing its own database.
        Path pdnsDir = Files.createDirectories(dir.resolve("pdns-secondary"));
        pdnsDatabase = pdnsDir.resolve("pdns.sqlite3");
        PowerDnsServer.createDatabase(pdnsDatabase);
        PowerDnsServer.configure(pdnsDir, pdnsDatabase, List.of("gsqlite3-dnssec=yes", "secondary=yes"));
        for (String zone : ZONES.keySet()) {
            PowerDnsServer.pdnsutil(pdnsDir, "create-secondary-zone", zone, "127.0.0.1:" + knotOf.get(zone).port());
        }
        pdnsSecondary = PowerDnsServer.startWithoutProbe(pdnsDir);
        for (String zone : ZONES.keySet()) {
            awaitSoaRow(pdnsDatabase, zone, pdnsDir);
        }
        // Tern as a secondary of the same knotd.
        Path ternDir = Files.createDirectories(dir.resolve("tern"));
        Path ternDatabase = ternDir.resolve("tern.sqlite3");
        try (JdbcZoneStore store = JdbcZoneStore.openSqlite(ternDatabase, 5000, 3600)) {
            for (String zone : ZONES.keySet()) {
                store.createZone(Name.fromString(zone + "."), ZoneKind.SECONDARY,
                        "127.0.0.1:" + knotOf.get(zone).port());
            }
        }
        tern = TernProcess.open(ternDir, ternDatabase, List.of("secondary=yes"));
        for (String zone : ZONES.keySet()) {
            Answers.awaitSerial(tern.port(), zone + ".", SERIAL, Duration.ofSeconds(20), null, "ternd", () -> "");
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (tern != null) {
            tern.close();
        }
        if (pdnsSecondary != null) {
            pdnsSecondary.close();
        }
        for (KnotPrimary knot : knots) {
            knot.close();
        }
    }

    @Test
    void ternWritesATransferredSignedZoneAsPowerDnsDoesAndPowerDnsServesIt() throws Exception {
        for (String zone : ZONES.keySet()) {
            assertThat(rowDifference(rows(pdnsDatabase, zone), rows(tern.database(), zone))).as("rows of " + zone)
                    .isEmpty();
            assertThat(metadata(tern.database(), zone)).as("metadata of " + zone)
                    .isEqualTo(metadata(pdnsDatabase, zone));
        }
        Path pdnsDir = Files.createDirectories(dir.resolve("pdns-on-tern"));
        PowerDnsServer.configure(pdnsDir, tern.database(), List.of("gsqlite3-dnssec=yes"));
        try (PowerDnsServer pdns = PowerDnsServer.start(pdnsDir, "nsec.test.")) {
            List<String> differences = new ArrayList<>();
            Map<String, Integer> deliberateCounts = new TreeMap<>();
            int compared = 0;
            for (String zone : ZONES.keySet()) {
                for (Question question : questions(zone)) {
                    Message expected = ask(knotOf.get(zone).port(), question);
                    Message fromPdns = ask(pdns.port(), question);
                    String theirs = PowerDnsDifferentialTest.difference(expected, fromPdns);
                    String reason = theirs == null ? null : deliberate(question, expected, fromPdns);
                    if (reason != null) {
                        deliberateCounts.merge(reason, 1, Integer::sum);
                    } else if (theirs != null) {
                        differences.add("pdns_server on Tern's database, " + question + ": " + theirs);
                    }
                    String ours = PowerDnsDifferentialTest.difference(expected, ask(tern.port(), question));
                    if (ours != null) {
                        differences.add("ternd, " + question + ": " + ours);
                    }
                    compared++;
                }
            }
            System.out.println("compared " + compared + " questions with DO=1 against knotd; deliberate differences"
                    + " of pdns_server: " + deliberateCounts);
            assertThat(differences).isEmpty();
        }
    }

    @Test
    void ternctlLoadsASignedMasterFileAsPowerDnsStoresItAndTerndServesIt() throws Exception {
        Path loadDir = Files.createDirectories(dir.resolve("load"));
        try (TernProcess loaded = TernProcess.start(loadDir, List.of())) {
            for (String zone : ZONES.keySet()) {
                StringWriter out = new StringWriter();
                StringWriter err = new StringWriter();
                int code = TernCtlMain.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                        .execute("--socket", loaded.server().controlSocket().toString(), "zone", "--database",
                                loaded.database().toString(), "load", zone, signed.get(zone).toString());
                assertThat(code).as(err.toString()).isZero();
                assertThat(out.toString()).contains("ternd reloaded " + zone + ".");
                assertThat(rowDifference(rows(pdnsDatabase, zone), rows(loaded.database(), zone)))
                        .as("rows of " + zone).isEmpty();
                assertThat(metadata(loaded.database(), zone)).as("metadata of " + zone)
                        .isEqualTo(metadata(pdnsDatabase, zone));
                Answers.awaitSerial(loaded.port(), zone + ".", SERIAL, Duration.ofSeconds(10), null, "ternd",
                        () -> "");
                for (Question question : questions(zone)) {
                    String difference = PowerDnsDifferentialTest.difference(ask(knotOf.get(zone).port(), question),
                            ask(loaded.port(), question));
                    assertThat(difference).as(question.toString()).isNull();
                }
            }
        }
    }

    @Test
    void ixfrWithSignatureAndNsec3ChurnKeepsTheRowsAsAWholeTransferWouldAndIsJournaledBothWays() throws Exception {
        String zone = "churn.test";
        Path signDir = dir.resolve("sign-" + zone);
        String v1 = Files.readString(SignedZone.sign(signDir, zone, zoneText(zone), SignedZone.Denial.NSEC3));
        String v2 = Files.readString(SignedZone.sign(signDir, zone, zoneText(zone)
                .replace(" " + SERIAL + " ", " " + (SERIAL + 1) + " ")
                .replace("www A 127.0.0.10\n", "new A 127.0.0.11\n"), SignedZone.Denial.NSEC3));
        int knotPort = dev.tern.server.testing.FreePort.pick();
        Path ternDir = Files.createDirectories(dir.resolve("churn-tern"));
        Path database = ternDir.resolve("tern.sqlite3");
        long domainId;
        try (JdbcZoneStore store = JdbcZoneStore.openSqlite(database, 5000, 3600)) {
            domainId = store.createZone(Name.fromString(zone + "."), ZoneKind.SECONDARY, "127.0.0.1:" + knotPort).id();
        }
        try (TernProcess secondary = TernProcess.open(ternDir, database, List.of("secondary=yes"));
             KnotPrimary knot = KnotPrimary.start(Files.createDirectories(dir.resolve("churn-knot")), knotPort, zone,
                     v1, null, secondary.port())) {
            Answers.awaitSerial(secondary.port(), zone + ".", SERIAL, Duration.ofSeconds(20), null, "ternd", () -> "");
            knot.update(v2);
            Answers.awaitSerial(secondary.port(), zone + ".", SERIAL + 1, Duration.ofSeconds(20), null, "ternd",
                    knot::log);
            assertThat(knot.log()).as("knotd served the change as IXFR").contains("IXFR, outgoing");

            // The rows after the IXFR are those a whole transfer of serial 2 writes (shown above to be PowerDNS's).
            Path reference = Files.createDirectories(dir.resolve("churn-reference")).resolve("tern.sqlite3");
            Path file = Files.writeString(dir.resolve("churn-v2.zone"), v2);
            StringWriter err = new StringWriter();
            int code = TernCtlMain.commandLine().setOut(new PrintWriter(new StringWriter()))
                    .setErr(new PrintWriter(err)).execute("zone", "--database", reference.toString(), "load", zone,
                            file.toString());
            assertThat(code).as(err.toString()).isZero();
            assertThat(rowDifference(rows(reference, zone), rows(database, zone))).isEmpty();
            assertThat(metadata(database, zone)).containsEntry("PRESIGNED", "1").containsEntry("NSEC3PARAM",
                    "1 0 0 ab");
            for (Question question : questions(zone)) {
                assertThat(PowerDnsDifferentialTest.difference(ask(knot.port(), question),
                        ask(secondary.port(), question))).as(question.toString()).isNull();
            }

            // The journal holds the signatures and NSEC3 records removed and added, though they have no rows.
            List<dev.tern.server.zone.ZoneChange> changes;
            try (JdbcZoneStore store = JdbcZoneStore.openSqlite(database, 5000, 3600)) {
                changes = new dev.tern.server.store.Journal(store.dataSource()).read(domainId,
                        Name.fromString(zone + "."));
            }
            assertThat(changes).hasSize(1);
            assertThat(types(changes.get(0).removed())).contains(Type.RRSIG, Type.NSEC3, Type.A);
            assertThat(types(changes.get(0).added())).contains(Type.RRSIG, Type.NSEC3, Type.A);

            // And ternd's IXFR-out sends them on.
            org.xbill.DNS.ZoneTransferIn ixfr = org.xbill.DNS.ZoneTransferIn.newIXFR(Name.fromString(zone + "."),
                    SERIAL, false, "127.0.0.1", secondary.port(), null);
            ixfr.setTimeout(Duration.ofSeconds(10));
            ixfr.run();
            assertThat(ixfr.isIXFR()).isTrue();
            List<org.xbill.DNS.ZoneTransferIn.Delta> deltas = ixfr.getIXFR();
            assertThat(deltas).hasSize(1);
            assertThat(types(deltas.get(0).deletes)).contains(Type.RRSIG, Type.NSEC3);
            assertThat(types(deltas.get(0).adds)).contains(Type.RRSIG, Type.NSEC3);
        }
    }

    private static java.util.Set<Integer> types(List<Record> records) {
        java.util.Set<Integer> types = new java.util.TreeSet<>();
        records.forEach(record -> types.add(record.getType()));
        return types;
    }

    /**
     * Why pdns_server's answer may differ from knotd's, or null. Not Tern's doing: pdns_server answers so from its own
     * database after the same transfer, since these facts have no column in PowerDNS's schema.
     */
    static String deliberate(Question question, Message knot, Message pdns) {
        if (question.qtype() == Type.NSEC3PARAM && withoutTtl(knot).equals(withoutTtl(pdns))) {
            return "NSEC3PARAM: PowerDNS makes it from the NSEC3PARAM metadata with the SOA minimum as TTL (and gives"
                    + " its RRSIG that TTL); the signer's TTL (0 from dnssec-signzone) has no place in the schema";
        }
        return null;
    }

    private static List<String> withoutTtl(Message message) {
        List<String> lines = new ArrayList<>();
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY}) {
            for (String line : PowerDnsDifferentialTest.lines(message, section)) {
                String[] fields = line.split(" ", 3);
                lines.add(section + " " + fields[0] + " " + fields[2]);
            }
        }
        lines.sort(null);
        return lines;
    }

    /** One question, asked with DO=1 over TCP (signed answers need not fit 1232 bytes). */
    record Question(String qname, int qtype) {
        @Override
        public String toString() {
            return qname + " " + Type.string(qtype);
        }
    }

    static List<Question> questions(String zone) {
        List<Question> questions = new ArrayList<>();
        String z = "." + zone + ".";
        for (Object[] q : new Object[][] {
                {"", Type.SOA}, {"", Type.NS}, {"", Type.DNSKEY}, {"", Type.MX}, {"", Type.NSEC3PARAM},
                {"www", Type.A}, {"www", Type.TXT}, {"nope", Type.A}, {"zzz", Type.A}, {"c", Type.A},
                {"b.c", Type.TXT}, {"a.b.c", Type.A}, {"_sip._tcp", Type.SRV}, {"_tcp", Type.SRV},
                {"host.wild", Type.TXT}, {"host.wild", Type.A}, {"wild", Type.TXT},
                {"child", Type.A}, {"child", Type.DS}, {"www.child", Type.A}, {"ns.child", Type.A},
                {"nods", Type.A}, {"nods", Type.DS}, {"www.nods", Type.A}, {"ns.nods", Type.A}}) {
            String label = (String) q[0];
            questions.add(new Question(label.isEmpty() ? zone + "." : label + z, (Integer) q[1]));
        }
        return questions;
    }

    static Message ask(int port, Question question) throws Exception {
        SimpleResolver resolver = new SimpleResolver("127.0.0.1");
        resolver.setPort(port);
        resolver.setTimeout(Duration.ofSeconds(3));
        resolver.setTCP(true);
        resolver.setEDNS(0, 1232, ExtendedFlags.DO, List.of());
        Message query = Message.newQuery(Record.newRecord(Name.fromString(question.qname()), question.qtype(),
                DClass.IN));
        query.getHeader().unsetFlag(Flags.RD);
        return resolver.send(query);
    }

    /** The records table of one zone, one line a row without id and domain_id, sorted. */
    static List<String> rows(Path database, String zone) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
             PreparedStatement statement = connection.prepareStatement("SELECT r.name, r.type, r.content, r.ttl,"
                     + " r.prio, r.disabled, quote(r.ordername), r.auth FROM records r JOIN domains d"
                     + " ON d.id = r.domain_id WHERE d.name = ?")) {
            statement.setString(1, zone);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    List<String> columns = new ArrayList<>();
                    for (int i = 1; i <= 8; i++) {
                        columns.add(String.valueOf(result.getString(i)));
                    }
                    rows.add(String.join(" | ", columns));
                }
            }
        }
        rows.sort(null);
        return rows;
    }

    /** The rows only PowerDNS wrote ("pdns: ...") and those only Tern wrote ("tern: ..."). */
    static List<String> rowDifference(List<String> pdns, List<String> tern) {
        List<String> differences = new ArrayList<>();
        List<String> onlyTern = new ArrayList<>(tern);
        for (String row : pdns) {
            if (!onlyTern.remove(row)) {
                differences.add("pdns: " + row);
            }
        }
        onlyTern.forEach(row -> differences.add("tern: " + row));
        return differences;
    }

    /** The DNSSEC metadata of one zone: kind -> content. */
    static Map<String, String> metadata(Path database, String zone) throws Exception {
        Map<String, String> kinds = new TreeMap<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + database);
             PreparedStatement statement = connection.prepareStatement("SELECT m.kind, m.content FROM domainmetadata m"
                     + " JOIN domains d ON d.id = m.domain_id WHERE d.name = ? AND m.kind IN ('PRESIGNED',"
                     + " 'NSEC3PARAM', 'NSEC3NARROW')")) {
            statement.setString(1, zone);
            try (ResultSet result = statement.executeQuery()) {
                while (result.next()) {
                    kinds.put(result.getString(1), result.getString(2));
                }
            }
        }
        return kinds;
    }

    /** Asks pdns_server to transfer a zone and waits (bounded) for its SOA row. */
    static void awaitSoaRow(Path database, String zone, Path pdnsDir) throws Exception {
        String control = Peers.require("pdns_control", "pdns-server");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        long nextRetrieve = 0;
        while (System.nanoTime() < deadline) {
            if (System.nanoTime() > nextRetrieve) {
                Peers.run(10, control, "--config-dir=" + pdnsDir, "retrieve", zone);
                nextRetrieve = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            }
            if (rows(database, zone).stream().anyMatch(row -> row.contains(" | SOA | "))) {
                return;
            }
            Thread.sleep(200);
        }
        fail("pdns_server did not transfer " + zone + " within 30 s: " + pdnsSecondary.log());
    }
}
