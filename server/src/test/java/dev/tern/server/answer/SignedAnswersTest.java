package dev.tern.server.answer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.DNSSEC;
import org.xbill.DNS.NSEC3Record;
import org.xbill.DNS.NSECRecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import org.xbill.DNS.utils.base32;
import dev.tern.server.testing.FreePort;
import dev.tern.server.testing.KnotSigningPrimary;
import dev.tern.server.testing.SignedZone;
import dev.tern.server.testing.TestZones;
import dev.tern.server.zone.ZoneTable;

/**
 * Signed answers as a table (RFC 4035 3.1, RFC 5155 7.2): one zone signed by {@code dnssec-signzone} and by knotd's
 * automatic signing, each with NSEC, with NSEC3 and with NSEC3 Opt-Out; each case a question asked with DO and the
 * RRsets expected in the answer and authority sections. A proof is written as what it must prove ("NSEC3 covering
 * nx.example."), checked against the record's owner and next field; every RRSIG is verified with dnsjava against
 * the zone's DNSKEY.
 */
class SignedAnswersTest {
    private static final String ZONE = String.join("\n",
            "$TTL 3600",
            "@        SOA   ns1 hostmaster 2024010101 7200 3600 1209600 300",
            "@        NS    ns1",
            "@        MX    10 mail",
            "ns1      A     192.0.2.53",
            "mail     A     192.0.2.25",
            "www      A     192.0.2.80",
            "www      TXT   \"web\"",
            "alias    CNAME www",
            "a.b.c    TXT   \"deep\"",
            "*.wild   A     192.0.2.99",
            "secure   NS    ns.secure",
            "secure   DS    12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
            "ns.secure A    192.0.2.54",
            "insecure NS    ns.insecure.example.net.",
            "dname    DNAME target.example.net.",
            big(),
            "");

    private static String big() {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            text.append("big TXT \"").append(String.valueOf(i).repeat(60)).append("\"\n");
        }
        return text.toString();
    }

    private static Path dir;

    /** Who signed the zone. */
    enum Signer { DNSSEC_SIGNZONE, KNOTD }

    /** One signed version of the zone: who signed it and how it denies existence. */
    record Signed(Signer signer, SignedZone.Denial chain) {
        @Override
        public String toString() {
            return signer + " " + chain;
        }
    }

    private static final java.util.Map<Signed, ZoneTable> TABLES = new java.util.HashMap<>();
    private static final java.util.Map<Signed, DNSKEYRecord[]> KEYS = new java.util.HashMap<>();

    @BeforeAll
    static void sign() throws Exception {
        dir = Files.createTempDirectory("signed-answers");
        for (SignedZone.Denial chain : SignedZone.Denial.values()) {
            String text = Files.readString(SignedZone.sign(dir, "example", "$ORIGIN example.\n" + ZONE, chain));
            keep(new Signed(Signer.DNSSEC_SIGNZONE, chain), TestZones.records("example.", text));
            // knotd's automatic signing of the same zone (a CSK, NSEC3 without salt), taken by AXFR.
            Path knotDir = Files.createDirectories(dir.resolve("knotd-" + chain));
            KnotSigningPrimary.Denial denial = KnotSigningPrimary.Denial.valueOf(chain.name());
            try (KnotSigningPrimary knotd = KnotSigningPrimary.start(knotDir, FreePort.pick(), 0, List.of(
                    new KnotSigningPrimary.SignedZone("example", "$ORIGIN example.\n" + ZONE, denial, true, 0)))) {
                keep(new Signed(Signer.KNOTD, chain), knotd.transfer("example"));
            }
        }
    }

    private static void keep(Signed signed, List<Record> records) {
        dev.tern.server.zone.ZoneSnapshotBuilder builder = new dev.tern.server.zone.ZoneSnapshotBuilder(
                Name.fromConstantString("example."));
        Set<Record> unique = new LinkedHashSet<>(records);
        unique.forEach(builder::add);
        dev.tern.server.zone.ZoneSnapshot snapshot = builder.build();
        TABLES.put(signed, ZoneTable.of(List.of(new dev.tern.server.zone.Zone(snapshot.origin(), 1,
                dev.tern.server.zone.ZoneKind.NATIVE, snapshot))));
        KEYS.put(signed, records.stream().filter(r -> r instanceof DNSKEYRecord).toArray(DNSKEYRecord[]::new));
    }

    @AfterAll
    static void cleanUp() throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    record Case(Signed signed, String qname, String qtype, int rcode, boolean aa, List<String> answer,
                List<String> authority) {
        @Override
        public String toString() {
            return signed + " " + qname + " " + qtype;
        }
    }

    static List<Signed> signedVersions() {
        List<Signed> all = new ArrayList<>();
        for (Signer signer : Signer.values()) {
            for (SignedZone.Denial chain : SignedZone.Denial.values()) {
                all.add(new Signed(signer, chain));
            }
        }
        return all;
    }

    static Stream<Arguments> cases() {
        List<Case> cases = new ArrayList<>();
        for (Signed signed : signedVersions()) {
            SignedZone.Denial chain = signed.chain();
            String proof = chain == SignedZone.Denial.NSEC ? "NSEC" : "NSEC3";
            boolean nsec = chain == SignedZone.Denial.NSEC;
            cases.add(new Case(signed, "www.example.", "A", Rcode.NOERROR, true, List.of("www.example. A"), List.of()));
            cases.add(new Case(signed, "example.", "DNSKEY", Rcode.NOERROR, true, List.of("example. DNSKEY"),
                    List.of()));
            // NXDOMAIN: no such name, no wildcard at the closest encloser (the apex).
            cases.add(new Case(signed, "nx.example.", "A", Rcode.NXDOMAIN, true, List.of(), nsec
                    ? List.of("SOA", "NSEC covering nx.example.", "NSEC covering *.example.")
                    : List.of("SOA", "NSEC3 matching example.", "NSEC3 covering nx.example.",
                            "NSEC3 covering *.example.")));
            // NODATA at an existing name.
            cases.add(new Case(signed, "www.example.", "MX", Rcode.NOERROR, true, List.of(),
                    List.of("SOA", proof + " matching www.example.")));
            // NODATA at an empty non-terminal.
            cases.add(new Case(signed, "c.example.", "TXT", Rcode.NOERROR, true, List.of(), nsec
                    ? List.of("SOA", "NSEC covering c.example.") : List.of("SOA", "NSEC3 matching c.example.")));
            // A wildcard answer proves that qname itself does not exist.
            cases.add(new Case(signed, "x.wild.example.", "A", Rcode.NOERROR, true, List.of("x.wild.example. A"),
                    List.of(proof + " covering x.wild.example.")));
            // Wildcard NODATA.
            cases.add(new Case(signed, "x.wild.example.", "MX", Rcode.NOERROR, true, List.of(), nsec
                    ? List.of("SOA", "NSEC covering x.wild.example.", "NSEC matching *.wild.example.")
                    : List.of("SOA", "NSEC3 matching wild.example.", "NSEC3 covering x.wild.example.",
                            "NSEC3 matching *.wild.example.")));
            // CNAME inside the zone, both RRsets signed.
            cases.add(new Case(signed, "alias.example.", "A", Rcode.NOERROR, true,
                    List.of("alias.example. CNAME", "www.example. A"), List.of()));
            // DNAME: the DNAME signed, the synthesized CNAME not.
            cases.add(new Case(signed, "x.dname.example.", "A", Rcode.NOERROR, true,
                    List.of("dname.example. DNAME", "x.dname.example. CNAME"), List.of()));
            // Referral to a signed delegation: NS and the signed DS.
            cases.add(new Case(signed, "host.secure.example.", "A", Rcode.NOERROR, false, List.of(),
                    List.of("NS secure.example.", "DS secure.example.")));
            // DS at the cut, from the parent side.
            cases.add(new Case(signed, "secure.example.", "DS", Rcode.NOERROR, true, List.of("secure.example. DS"),
                    List.of()));
            // Insecure delegation: the proof that there is no DS.
            List<String> noDs = switch (chain) {
                case NSEC -> List.of("NSEC matching insecure.example.");
                case NSEC3 -> List.of("NSEC3 matching insecure.example.");
                case NSEC3_OPT_OUT -> List.of("NSEC3 matching example.", "NSEC3 covering insecure.example.");
            };
            List<String> referral = new ArrayList<>(List.of("NS insecure.example."));
            referral.addAll(noDs);
            cases.add(new Case(signed, "host.insecure.example.", "A", Rcode.NOERROR, false, List.of(), referral));
            List<String> dsNodata = new ArrayList<>(List.of("SOA"));
            dsNodata.addAll(noDs);
            cases.add(new Case(signed, "insecure.example.", "DS", Rcode.NOERROR, true, List.of(), dsNodata));
        }
        return cases.stream().map(Arguments::of);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersWithSignaturesAndProofs(Case c) throws Exception {
        Answer answer = new AnswerEngine().answer(TABLES.get(c.signed()), Name.fromString(c.qname()),
                Type.value(c.qtype()), false, true);

        assertThat(answer.rcode()).as("rcode").isEqualTo(c.rcode());
        assertThat(answer.authoritative()).as("AA").isEqualTo(c.aa());
        assertThat(answer.answer().stream().map(r -> r.getName() + " " + Type.string(r.getType())))
                .as("answer").containsExactlyElementsOf(c.answer());
        assertProofs(answer.authority(), c.authority());
        for (RRset rrset : answer.answer()) {
            boolean synthesized = rrset.getType() == Type.CNAME && c.qname().contains("dname");
            assertSigned(c.signed(), rrset, !synthesized);
        }
        for (RRset rrset : answer.authority()) {
            // RFC 4035 2.2: the NS RRset at a delegation point is not signed.
            assertSigned(c.signed(), rrset, rrset.getType() != Type.NS);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void addsNothingWithoutDo(Case c) throws Exception {
        Answer answer = new AnswerEngine().answer(TABLES.get(c.signed()), Name.fromString(c.qname()),
                Type.value(c.qtype()), false, false);

        assertThat(answer.rcode()).isEqualTo(c.rcode());
        assertThat(answer.authority()).noneMatch(r -> r.getType() == Type.NSEC || r.getType() == Type.NSEC3
                || (r.getType() == Type.DS && !c.qtype().equals("DS")));
    }

    @org.junit.jupiter.api.Test
    void truncatesOverUdpRatherThanDropSignatures() throws Exception {
        dev.tern.server.query.QueryHandler handler = new dev.tern.server.query.QueryHandler(
                () -> TABLES.get(new Signed(Signer.DNSSEC_SIGNZONE, SignedZone.Denial.NSEC)), 1232);
        for (int size : new int[] {512, 1232}) {
            org.xbill.DNS.Message query = org.xbill.DNS.Message.newQuery(org.xbill.DNS.Record.newRecord(
                    Name.fromString("big.example."), Type.TXT, org.xbill.DNS.DClass.IN));
            query.addRecord(new org.xbill.DNS.OPTRecord(size, 0, 0, org.xbill.DNS.ExtendedFlags.DO),
                    org.xbill.DNS.Section.ADDITIONAL);
            org.xbill.DNS.Message response = new org.xbill.DNS.Message(handler.handle(query.toWire(), false));

            assertThat(response.getOPT().getFlags() & org.xbill.DNS.ExtendedFlags.DO).as("DO echoed").isNotZero();
            if (size == 512) {
                assertThat(response.getHeader().getFlag(org.xbill.DNS.Flags.TC)).as("TC at 512").isTrue();
                assertThat(response.getSection(org.xbill.DNS.Section.ANSWER)).isEmpty();
            } else {
                assertThat(response.getHeader().getFlag(org.xbill.DNS.Flags.TC)).as("TC at 1232").isFalse();
                assertThat(response.getSection(org.xbill.DNS.Section.ANSWER)).hasSize(13)
                        .anyMatch(r -> r.getType() == Type.RRSIG);
            }
        }
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(SignedZone.Denial.class)
    void aBrokenChainIsNotTaken(SignedZone.Denial chain) throws Exception {
        String signed = Files.readString(SignedZone.sign(dir, "example", "$ORIGIN example.\n" + ZONE, chain));
        String type = chain == SignedZone.Denial.NSEC ? "IN NSEC\t" : "IN NSEC3\t";
        String first = signed.lines().filter(line -> line.contains(type)).findFirst().orElseThrow();
        String broken = String.join("\n", signed.lines().filter(line -> !line.equals(first)).toList());

        assertThatThrownBy(() -> TestZones.table("example.", broken))
                .isInstanceOf(dev.tern.server.zone.ZoneCheckException.class)
                .hasMessageContaining("zone example.: the " + (chain == SignedZone.Denial.NSEC ? "NSEC" : "NSEC3")
                        + " chain is broken").hasMessageEndingWith("(re-sign the zone on the primary)");
    }

    /** Each expected proof is met by one RRset of the authority section, and nothing else is there. */
    private static void assertProofs(List<RRset> authority, List<String> expected) throws Exception {
        Set<RRset> used = new LinkedHashSet<>();
        for (String expectation : expected) {
            RRset met = null;
            for (RRset rrset : authority) {
                if (meets(rrset, expectation)) {
                    met = rrset;
                    break;
                }
            }
            assertThat(met).as("authority RRset for '%s' among %s", expectation, authority).isNotNull();
            used.add(met);
        }
        assertThat(authority).as("authority holds only what was expected: " + expected).hasSize(used.size());
    }

    private static boolean meets(RRset rrset, String expectation) throws Exception {
        String[] words = expectation.split(" ");
        if (words.length == 1) {
            return Type.string(rrset.getType()).equals(words[0]);
        }
        if (words.length == 2) {
            return Type.string(rrset.getType()).equals(words[0]) && rrset.getName().equals(Name.fromString(words[1]));
        }
        Name name = Name.fromString(words[2]);
        boolean matching = words[1].equals("matching");
        if (words[0].equals("NSEC") && rrset.getType() == Type.NSEC) {
            NSECRecord nsec = (NSECRecord) rrset.first();
            if (matching) {
                return nsec.getName().equals(name);
            }
            return covers(nsec.getName(), nsec.getNext(), name);
        }
        if (words[0].equals("NSEC3") && rrset.getType() == Type.NSEC3) {
            NSEC3Record nsec3 = (NSEC3Record) rrset.first();
            byte[] owner = new base32(base32.Alphabet.BASE32HEX, false, false)
                    .fromString(nsec3.getName().getLabelString(0).toUpperCase(Locale.ROOT));
            byte[] hash = nsec3.hashName(name);
            if (matching) {
                return Arrays.equals(owner, hash);
            }
            int afterOwner = Arrays.compareUnsigned(hash, owner);
            int beforeNext = Arrays.compareUnsigned(hash, nsec3.getNext());
            boolean wraps = Arrays.compareUnsigned(nsec3.getNext(), owner) <= 0;
            return wraps ? afterOwner > 0 || beforeNext < 0 : afterOwner > 0 && beforeNext < 0;
        }
        return false;
    }

    private static boolean covers(Name owner, Name next, Name name) {
        boolean wraps = next.compareTo(owner) <= 0;
        return wraps ? name.compareTo(owner) > 0 || name.compareTo(next) < 0
                : name.compareTo(owner) > 0 && name.compareTo(next) < 0;
    }

    private static void assertSigned(Signed version, RRset rrset, boolean signed) throws Exception {
        if (!signed) {
            assertThat(rrset.sigs()).as("signatures of %s", rrset).isEmpty();
            return;
        }
        assertThat(rrset.sigs()).as("signatures of %s", rrset).isNotEmpty();
        for (RRSIGRecord sig : rrset.sigs()) {
            DNSKEYRecord key = Arrays.stream(KEYS.get(version)).filter(k -> k.getFootprint() == sig.getFootprint())
                    .findFirst().orElseThrow();
            DNSSEC.verify(rrset, sig, key);
        }
    }
}
