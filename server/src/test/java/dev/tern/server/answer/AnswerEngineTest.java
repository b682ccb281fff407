package dev.tern.server.answer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRset;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import dev.tern.server.testing.TestZones;
import dev.tern.server.zone.ZoneTable;

/** The engine's rules as a table: a zone in master-file text, then a question and the expected sections. */
class AnswerEngineTest {
    private static final String EXAMPLE = String.join("\n",
            "$TTL 3600",
            "@        SOA   ns1 hostmaster 2024010101 7200 3600 1209600 300",
            "@        NS    ns1",
            "@        NS    ns2.example.net.",
            "@        MX    10 mail",
            "@        A     192.0.2.1",
            "ns1      A     192.0.2.53",
            "ns1      AAAA  2001:db8::53",
            "mail     A     192.0.2.25",
            "www      CNAME @",
            "alias    CNAME www",
            "out      CNAME www.example.net.",
            "loop1    CNAME loop2",
            "loop2    CNAME loop1",
            "a.b.c    TXT   \"deep\"",
            "*.wild   A     192.0.2.99",
            "*.wild   TXT   \"wild\"",
            "sub.*.wild A   192.0.2.98",
            "*.cn     CNAME mail",
            "_sip._tcp SRV  10 60 5060 mail",
            "sub      NS    ns.sub",
            "sub      NS    ns.other.net.",
            "sub      DS    12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF",
            "ns.sub   A     192.0.2.54",
            "nods     NS    ns1.example.net.",
            "*        TXT   \"apex wildcard\"",
            "dname    DNAME other.org.",
            "longdn   DNAME " + "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + ".other.org.",
            "tocross  CNAME www.other.org.",
            "svc      HTTPS 1 . alpn=h2",
            "svc      A     192.0.2.70",
            "alias-svc HTTPS 0 svc",
            "naptr    NAPTR 100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp",
            "_sip._udp SRV  10 60 5060 mail",
            "child    NS    ns1",
            "child    DS    54321 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF");

    private static final String SOA = "example.com. 300 SOA ns1.example.com. hostmaster.example.com. 2024010101 7200"
            + " 3600 1209600 300";

    private final ZoneTable zones = TestZones.table(
            "example.com.", EXAMPLE,
            "other.org.", "@ 60 SOA ns hm 1 2 3 4 5\n@ NS ns.example.com.\n@ A 198.51.100.1\nwww A 198.51.100.80\n",
            "child.example.com.", "@ 60 SOA ns1.example.com. hm 7 2 3 4 5\n@ NS ns1.example.com.\n@ A 192.0.2.77\n");

    private static final String LONG_LABELS = "x".repeat(63) + "." + "y".repeat(63) + ".";

    record Case(String qname, String qtype, int rcode, boolean aa, List<String> answer, List<String> authority,
                List<String> additional) {
        @Override
        public String toString() {
            return qname + " " + qtype;
        }
    }

    static Case c(String qname, String qtype, int rcode, boolean aa, List<String> answer, List<String> authority,
                  List<String> additional) {
        return new Case(qname, qtype, rcode, aa, answer, authority, additional);
    }

    static Stream<Case> cases() {
        return Stream.of(
                // exact matches, with additional addresses for NS and MX targets inside our zones
                c("example.com.", "SOA", Rcode.NOERROR, true, List.of(SOA.replace(" 300 SOA", " 3600 SOA")),
                        List.of(), List.of()),
                c("example.com.", "NS", Rcode.NOERROR, true,
                        List.of("example.com. 3600 NS ns1.example.com.", "example.com. 3600 NS ns2.example.net."),
                        List.of(), List.of("ns1.example.com. 3600 A 192.0.2.53",
                                "ns1.example.com. 3600 AAAA 2001:db8::53")),
                c("example.com.", "MX", Rcode.NOERROR, true, List.of("example.com. 3600 MX 10 mail.example.com."),
                        List.of(), List.of("mail.example.com. 3600 A 192.0.2.25")),
                c("_sip._tcp.example.com.", "SRV", Rcode.NOERROR, true,
                        List.of("_sip._tcp.example.com. 3600 SRV 10 60 5060 mail.example.com."), List.of(),
                        List.of("mail.example.com. 3600 A 192.0.2.25")),
                // NODATA: SOA with the negative TTL min(SOA TTL, MINIMUM) (RFC 2308)
                c("mail.example.com.", "AAAA", Rcode.NOERROR, true, List.of(), List.of(SOA), List.of()),
                // empty non-terminals exist: NODATA, not NXDOMAIN
                c("b.c.example.com.", "A", Rcode.NOERROR, true, List.of(), List.of(SOA), List.of()),
                c("c.example.com.", "TXT", Rcode.NOERROR, true, List.of(), List.of(SOA), List.of()),
                c("_tcp.example.com.", "SRV", Rcode.NOERROR, true, List.of(), List.of(SOA), List.of()),
                // NXDOMAIN below an empty non-terminal: the ENT is the closest encloser, it has no wildcard
                c("x.c.example.com.", "A", Rcode.NXDOMAIN, true, List.of(), List.of(SOA), List.of()),
                // CNAME chains inside the zone, the chain kept in order
                c("www.example.com.", "A", Rcode.NOERROR, true,
                        List.of("www.example.com. 3600 CNAME example.com.", "example.com. 3600 A 192.0.2.1"),
                        List.of(), List.of()),
                c("alias.example.com.", "A", Rcode.NOERROR, true,
                        List.of("alias.example.com. 3600 CNAME www.example.com.",
                                "www.example.com. 3600 CNAME example.com.", "example.com. 3600 A 192.0.2.1"),
                        List.of(), List.of()),
                c("www.example.com.", "CNAME", Rcode.NOERROR, true,
                        List.of("www.example.com. 3600 CNAME example.com."), List.of(), List.of()),
                c("www.example.com.", "AAAA", Rcode.NOERROR, true,
                        List.of("www.example.com. 3600 CNAME example.com."), List.of(SOA), List.of()),
                // a CNAME leaving our zones is answered as it is
                c("out.example.com.", "A", Rcode.NOERROR, true,
                        List.of("out.example.com. 3600 CNAME www.example.net."), List.of(), List.of()),
                // a loop ends
                c("loop1.example.com.", "A", Rcode.NOERROR, true,
                        List.of("loop1.example.com. 3600 CNAME loop2.example.com.",
                                "loop2.example.com. 3600 CNAME loop1.example.com."), List.of(), List.of()),
                // wildcards (RFC 4592): the owner is the qname
                c("host.wild.example.com.", "A", Rcode.NOERROR, true,
                        List.of("host.wild.example.com. 3600 A 192.0.2.99"), List.of(), List.of()),
                c("a.b.wild.example.com.", "TXT", Rcode.NOERROR, true,
                        List.of("a.b.wild.example.com. 3600 TXT \"wild\""), List.of(), List.of()),
                c("host.wild.example.com.", "MX", Rcode.NOERROR, true, List.of(), List.of(SOA), List.of()),
                // the wildcard's own name is answered from the wildcard node
                c("*.wild.example.com.", "A", Rcode.NOERROR, true,
                        List.of("*.wild.example.com. 3600 A 192.0.2.99"), List.of(), List.of()),
                // an existing name below the wildcard label blocks nothing else; its sibling is NXDOMAIN
                c("sub.*.wild.example.com.", "A", Rcode.NOERROR, true,
                        List.of("sub.*.wild.example.com. 3600 A 192.0.2.98"), List.of(), List.of()),
                c("other.*.wild.example.com.", "A", Rcode.NXDOMAIN, true, List.of(), List.of(SOA), List.of()),
                // wildcard CNAME is followed
                c("x.cn.example.com.", "A", Rcode.NOERROR, true,
                        List.of("x.cn.example.com. 3600 CNAME mail.example.com.",
                                "mail.example.com. 3600 A 192.0.2.25"), List.of(), List.of()),
                // the apex wildcard answers names that do not exist
                c("nothing.example.com.", "TXT", Rcode.NOERROR, true,
                        List.of("nothing.example.com. 3600 TXT \"apex wildcard\""), List.of(), List.of()),
                c("nothing.example.com.", "A", Rcode.NOERROR, true, List.of(), List.of(SOA), List.of()),
                // ...but not names below an existing name (the closest encloser is that name)
                c("x.mail.example.com.", "A", Rcode.NXDOMAIN, true, List.of(), List.of(SOA), List.of()),
                // delegations: referral, AA clear, glue
                c("sub.example.com.", "A", Rcode.NOERROR, false, List.of(),
                        List.of("sub.example.com. 3600 NS ns.sub.example.com.",
                                "sub.example.com. 3600 NS ns.other.net."),
                        List.of("ns.sub.example.com. 3600 A 192.0.2.54")),
                c("deep.host.sub.example.com.", "A", Rcode.NOERROR, false, List.of(),
                        List.of("sub.example.com. 3600 NS ns.sub.example.com.",
                                "sub.example.com. 3600 NS ns.other.net."),
                        List.of("ns.sub.example.com. 3600 A 192.0.2.54")),
                c("sub.example.com.", "NS", Rcode.NOERROR, false, List.of(),
                        List.of("sub.example.com. 3600 NS ns.sub.example.com.",
                                "sub.example.com. 3600 NS ns.other.net."),
                        List.of("ns.sub.example.com. 3600 A 192.0.2.54")),
                // glue is not authoritative data: a query for it is a referral too
                c("ns.sub.example.com.", "A", Rcode.NOERROR, false, List.of(),
                        List.of("sub.example.com. 3600 NS ns.sub.example.com.",
                                "sub.example.com. 3600 NS ns.other.net."),
                        List.of("ns.sub.example.com. 3600 A 192.0.2.54")),
                // DS belongs to the parent side of the cut
                c("sub.example.com.", "DS", Rcode.NOERROR, true,
                        List.of("sub.example.com. 3600 DS 12345 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
                                + "0123456789ABCDEF"), List.of(), List.of()),
                c("nods.example.com.", "DS", Rcode.NOERROR, true, List.of(), List.of(SOA), List.of()),
                // names outside our zones
                c("example.net.", "A", Rcode.REFUSED, false, List.of(), List.of(), List.of()),
                c("com.", "NS", Rcode.REFUSED, false, List.of(), List.of(), List.of()),
                // the closest enclosing zone answers; a second zone's data serves as additional data
                c("other.org.", "NS", Rcode.NOERROR, true, List.of("other.org. 3600 NS ns.example.com."),
                        List.of(), List.of()),
                c("nx.other.org.", "A", Rcode.NXDOMAIN, true, List.of(),
                        List.of("other.org. 5 SOA ns.other.org. hm.other.org. 1 2 3 4 5"), List.of()),
                // DNAME (RFC 6672): the DNAME, a synthesized CNAME, and the chain goes on in the zone it points to
                c("x.dname.example.com.", "A", Rcode.NXDOMAIN, true,
                        List.of("dname.example.com. 3600 DNAME other.org.",
                                "x.dname.example.com. 3600 CNAME x.other.org."),
                        List.of("other.org. 5 SOA ns.other.org. hm.other.org. 1 2 3 4 5"), List.of()),
                c("www.dname.example.com.", "A", Rcode.NOERROR, true,
                        List.of("dname.example.com. 3600 DNAME other.org.",
                                "www.dname.example.com. 3600 CNAME www.other.org.",
                                "www.other.org. 3600 A 198.51.100.80"),
                        List.of(), List.of()),
                c("dname.example.com.", "DNAME", Rcode.NOERROR, true,
                        List.of("dname.example.com. 3600 DNAME other.org."), List.of(), List.of()),
                // a substitution longer than 255 octets is YXDOMAIN, with the DNAME
                c(LONG_LABELS + "longdn.example.com.", "A", Rcode.YXDOMAIN, true,
                        List.of("longdn.example.com. 3600 DNAME " + "a".repeat(63) + "." + "b".repeat(63) + "."
                                + "c".repeat(63) + ".other.org."), List.of(), List.of()),
                // a CNAME into another zone served here is followed there, as BIND and PowerDNS do
                c("tocross.example.com.", "A", Rcode.NOERROR, true,
                        List.of("tocross.example.com. 3600 CNAME www.other.org.",
                                "www.other.org. 3600 A 198.51.100.80"),
                        List.of(), List.of()),
                // DS at a cut whose child zone is served here too: the parent answers (RFC 4035 3.1.4.1)
                c("child.example.com.", "DS", Rcode.NOERROR, true,
                        List.of("child.example.com. 3600 DS 54321 13 2 0123456789ABCDEF0123456789ABCDEF0123456789ABCDEF"
                                + "0123456789ABCDEF"), List.of(), List.of()),
                c("child.example.com.", "SOA", Rcode.NOERROR, true,
                        List.of("child.example.com. 60 SOA ns1.example.com. hm.child.example.com. 7 2 3 4 5"),
                        List.of(), List.of()),
                // SVCB/HTTPS (RFC 9460 4): the target's addresses, "." being the owner; AliasMode adds the target's
                // RRset
                c("svc.example.com.", "HTTPS", Rcode.NOERROR, true,
                        List.of("svc.example.com. 3600 HTTPS 1 . alpn=h2"), List.of(),
                        List.of("svc.example.com. 3600 A 192.0.2.70")),
                c("alias-svc.example.com.", "HTTPS", Rcode.NOERROR, true,
                        List.of("alias-svc.example.com. 3600 HTTPS 0 svc.example.com."), List.of(),
                        List.of("svc.example.com. 3600 HTTPS 1 . alpn=h2", "svc.example.com. 3600 A 192.0.2.70")),
                // NAPTR "S" -> SRV -> addresses
                c("naptr.example.com.", "NAPTR", Rcode.NOERROR, true,
                        List.of("naptr.example.com. 3600 NAPTR 100 10 \"S\" \"SIP+D2U\" \"\" _sip._udp.example.com."),
                        List.of(), List.of("_sip._udp.example.com. 3600 SRV 10 60 5060 mail.example.com.",
                                "mail.example.com. 3600 A 192.0.2.25")),
                // ANY over TCP: every RRset
                c("mail.example.com.", "ANY", Rcode.NOERROR, true, List.of("mail.example.com. 3600 A 192.0.2.25"),
                        List.of(), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void answersAsTheRulesSay(Case c) throws Exception {
        Answer answer = new AnswerEngine().answer(zones, Name.fromString(c.qname()), Type.value(c.qtype()), false);
        assertThat(Rcode.string(answer.rcode())).as("rcode").isEqualTo(Rcode.string(c.rcode()));
        assertThat(answer.authoritative()).as("AA").isEqualTo(c.aa());
        assertThat(lines(answer.answer())).as("answer").containsExactlyElementsOf(c.answer());
        assertThat(lines(answer.authority())).as("authority").containsExactlyInAnyOrderElementsOf(c.authority());
        assertThat(lines(answer.additional())).as("additional").containsExactlyInAnyOrderElementsOf(c.additional());
    }

    @org.junit.jupiter.api.Test
    void anyOverUdpIsOneRrset() throws Exception {
        Answer answer = new AnswerEngine().answer(zones, Name.fromString("example.com."), Type.ANY, true);
        assertThat(answer.answer()).hasSize(1);
        Answer full = new AnswerEngine().answer(zones, Name.fromString("example.com."), Type.ANY, false);
        assertThat(full.answer()).hasSize(4);
    }

    @org.junit.jupiter.api.Test
    void aSecondaryWithoutDataAnswersServfail() throws Exception {
        ZoneTable table = ZoneTable.of(List.of(new dev.tern.server.zone.Zone(Name.fromString("empty.test."), 1,
                dev.tern.server.zone.ZoneKind.SECONDARY, null)));
        Answer answer = new AnswerEngine().answer(table, Name.fromString("www.empty.test."), Type.A, false);
        assertThat(answer.rcode()).isEqualTo(Rcode.SERVFAIL);
    }

    private static List<String> lines(List<RRset> rrsets) {
        List<String> lines = new ArrayList<>();
        for (RRset rrset : rrsets) {
            for (Record record : rrset.rrs(false)) {
                lines.add(TestZones.line(record));
            }
        }
        return lines;
    }
}
