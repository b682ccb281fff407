package dev.tern.server.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import dev.tern.server.rdata.RecordTypes;
import dev.tern.server.testing.PowerDnsServer;
import dev.tern.server.testing.TernProcess;
import dev.tern.server.testing.TestZones;

/**
 * ternd and PowerDNS serve the same gsqlite3 database, loaded by Debian's {@code pdnsutil load-zone}; hundreds of
 * questions over UDP (with and without EDNS) and TCP get equivalent answers: same rcode, AA and TC, sections
 * compared as sets. The differences we mean are listed in {@link #deliberate} with their reasons.
 */
class PowerDnsDifferentialTest {
    private static final List<String> NAMES = List.of("diff.test.", "DiFf.TeSt.", "www.diff.test.", "www2.diff.test.",
            "www3.diff.test.", "ext.diff.test.", "dangling.diff.test.", "a.b.c.diff.test.", "b.c.diff.test.",
            "c.diff.test.", "x.c.diff.test.", "nope.diff.test.", "host.wild.diff.test.", "a.b.wild.diff.test.",
            "*.wild.diff.test.", "sub.*.wild.diff.test.", "other.*.wild.diff.test.", "wild.diff.test.",
            "x.cnw.diff.test.", "q.deep.x.diff.test.", "deep.x.diff.test.", "x.diff.test.", "_sip._tcp.diff.test.",
            "_sip._udp.diff.test.", "_tcp.diff.test.", "sip.diff.test.", "mail2.diff.test.", "ttl.diff.test.",
            "ptr.diff.test.", "sshfp.diff.test.", "child.diff.test.", "host.child.diff.test.",
            "ns.child.diff.test.", "nods.diff.test.", "ns1.diff.test.", "big.diff.test.", "out.of.zone.invalid.",
            "svc.diff.test.", "alias-svc.diff.test.", "naptr.diff.test.", "loc.diff.test.", "_443._tcp.diff.test.",
            "uri.diff.test.", "eui.diff.test.", "eui64.diff.test.");
    private static final List<Integer> TYPES = List.of(Type.A, Type.AAAA, Type.MX, Type.TXT, Type.NS, Type.SOA,
            Type.CNAME, Type.SRV, Type.DS, Type.CAA, Type.PTR, Type.SSHFP, Type.ANY, Type.HTTPS, Type.NAPTR,
            Type.LOC, Type.TLSA, Type.URI, Type.EUI48, Type.EUI64);

    @TempDir
    static Path dir;
    private static PowerDnsServer pdns;
    private static TernProcess tern;

    @BeforeAll
    static void start() throws Exception {
        Path database = dir.resolve("shared.sqlite3");
        PowerDnsServer.createDatabase(database);
        RecordTypes.register();
        PowerDnsServer.configure(dir, database, List.of("gsqlite3-dnssec=yes"));
        Path zoneFile = dir.resolve("diff.test.zone");
        Files.copy(Path.of(PowerDnsDifferentialTest.class.getResource("/interop/diff.test.zone").toURI()), zoneFile);
        PowerDnsServer.pdnsutil(dir, "load-zone", "diff.test", zoneFile.toString());
        // load-zone writes no empty-non-terminal rows, and PowerDNS then answers NXDOMAIN for those names;
        // rectify-zone adds them, as every AXFR into PowerDNS does.
        PowerDnsServer.pdnsutil(dir, "rectify-zone", "diff.test");
        // Signed data with DO=1 is PowerDnsServesTernSignedTest's: pdnsutil load-zone of a presigned zone leaves
        // PowerDNS no ordernames (it refuses to rectify presigned zones), so it would make up a broken NSEC chain.
        pdns = PowerDnsServer.start(dir, "diff.test.");
        tern = TernProcess.open(Files.createDirectories(dir.resolve("tern")), database, List.of());
    }

    @AfterAll
    static void stop() throws Exception {
        if (tern != null) {
            tern.close();
        }
        if (pdns != null) {
            pdns.close();
        }
    }

    /** How one question is sent. */
    enum Way { UDP_EDNS, UDP_PLAIN, TCP, UDP_DO, TCP_DO }

    /** Why a difference is intended, or null when it is not. */
    static String deliberate(Way way, String qname, int qtype, Message pdnsAnswer, Message ternAnswer) {
        if (qtype == Type.ANY && way != Way.TCP && pdnsAnswer.getHeader().getFlag(Flags.TC)
                && !ternAnswer.getHeader().getFlag(Flags.TC)) {
            return "ANY over UDP: PowerDNS sends an empty TC answer (any-to-tcp), Tern one RRset (RFC 8482 4.1)";
        }
        if (qtype == Type.ANY && (way == Way.TCP || way == Way.TCP_DO) && isCname(ternAnswer)
                && lines(pdnsAnswer, Section.ANSWER).containsAll(lines(ternAnswer, Section.ANSWER))) {
            return "ANY at a CNAME: PowerDNS also chases the CNAME; ANY matches the CNAME itself, which ends the"
                    + " lookup (RFC 1034 4.3.2 step 3a), as BIND does";
        }
        if (qtype == Type.CNAME && qname.endsWith(".cnw.diff.test.") && pdnsAnswer.getRcode() == Rcode.NOERROR
                && ternAnswer.getSection(Section.AUTHORITY).isEmpty()
                && lines(pdnsAnswer, Section.ANSWER).equals(lines(ternAnswer, Section.ANSWER))) {
            return "CNAME asked at a wildcard CNAME: PowerDNS also chases the target and adds its NODATA SOA;"
                    + " the CNAME alone answers the question (RFC 1034 4.3.2 step 3a)";
        }
        if (qtype == Type.NAPTR || qtype == Type.ANY) {
            TreeSet<String> extra = lines(ternAnswer, Section.ADDITIONAL);
            extra.removeAll(lines(pdnsAnswer, Section.ADDITIONAL));
            if (!extra.isEmpty() && lines(ternAnswer, Section.ADDITIONAL).containsAll(lines(pdnsAnswer,
                    Section.ADDITIONAL)) && lines(ternAnswer, Section.ANSWER).equals(lines(pdnsAnswer,
                    Section.ANSWER)) && ternAnswer.getRcode() == pdnsAnswer.getRcode()
                    && lines(ternAnswer, Section.ANSWER).stream().anyMatch(line -> line.contains(" naptr ")
                            || line.contains(" https "))) {
                return "additional data for NAPTR (the SRV of an \"S\" replacement and its addresses, RFC 3403 4.2,"
                        + " as BIND gives it) and for HTTPS in an ANY answer: PowerDNS 4.7 adds none";
            }
        }
        return null;
    }

    private static boolean isCname(Message answer) {
        List<Record> records = answer.getSection(Section.ANSWER);
        return records.size() == 1 && records.get(0).getType() == Type.CNAME;
    }

    @Test
    void answersMatchPowerDnsOnTheSameDatabase() throws Exception {
        int compared = 0;
        List<String> differences = new ArrayList<>();
        Map<String, Integer> deliberateCounts = new TreeMap<>();
        for (Way way : Way.values()) {
            for (String name : NAMES) {
                for (int type : TYPES) {
                    if (way != Way.UDP_EDNS && way != Way.UDP_DO
                            && !List.of(Type.A, Type.MX, Type.TXT, Type.NS, Type.ANY).contains(type)) {
                        continue;
                    }
                    compared++;
                    Message theirs = ask(pdns.port(), way, name, type);
                    Message ours = ask(tern.port(), way, name, type);
                    String difference = difference(theirs, ours);
                    if (difference == null) {
                        continue;
                    }
                    String reason = deliberate(way, name, type, theirs, ours);
                    if (reason != null) {
                        deliberateCounts.merge(reason, 1, Integer::sum);
                    } else {
                        differences.add(way + " " + name + " " + Type.string(type) + ": " + difference);
                    }
                }
            }
        }
        System.out.println("compared " + compared + " questions with PowerDNS; deliberate differences: "
                + deliberateCounts);
        assertThat(compared).isGreaterThanOrEqualTo(200);
        assertThat(differences).isEmpty();
    }

    static Message ask(int port, Way way, String name, int type) throws Exception {
        SimpleResolver resolver = new SimpleResolver("127.0.0.1");
        resolver.setPort(port);
        resolver.setTimeout(Duration.ofSeconds(3));
        resolver.setTCP(way == Way.TCP || way == Way.TCP_DO);
        resolver.setIgnoreTruncation(true);
        if (way == Way.UDP_PLAIN) {
            resolver.setEDNS(-1);
        } else {
            resolver.setEDNS(0, 1232, way == Way.UDP_DO || way == Way.TCP_DO ? ExtendedFlags.DO : 0, List.of());
        }
        Message query = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
        query.getHeader().unsetFlag(Flags.RD);
        return resolver.send(query);
    }

    /** A description of how the two answers differ, or null when they are equivalent. */
    static String difference(Message theirs, Message ours) {
        List<String> diffs = new ArrayList<>();
        if (theirs.getRcode() != ours.getRcode()) {
            diffs.add("rcode " + Rcode.string(theirs.getRcode()) + " vs " + Rcode.string(ours.getRcode()));
        }
        for (int flag : new int[] {Flags.AA, Flags.TC}) {
            if (theirs.getHeader().getFlag(flag) != ours.getHeader().getFlag(flag)) {
                diffs.add(Flags.string(flag) + " " + theirs.getHeader().getFlag(flag) + " vs "
                        + ours.getHeader().getFlag(flag));
            }
        }
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
            TreeSet<String> a = lines(theirs, section);
            TreeSet<String> b = lines(ours, section);
            if (!a.equals(b)) {
                diffs.add(Section.string(section) + " pdns " + a + " vs tern " + b);
            }
        }
        return diffs.isEmpty() ? null : String.join("; ", diffs);
    }

    static TreeSet<String> lines(Message message, int section) {
        TreeSet<String> lines = new TreeSet<>();
        for (Record record : message.getSection(section)) {
            if (!(record instanceof OPTRecord)) {
                lines.add(TestZones.line(record).toLowerCase(Locale.ROOT));
            }
        }
        return lines;
    }
}
