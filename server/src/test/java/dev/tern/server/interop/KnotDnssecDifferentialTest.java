package dev.tern.server.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static dev.tern.server.interop.AnswerComparison.difference;
import static dev.tern.server.interop.AnswerComparison.headerDifference;
import static dev.tern.server.interop.AnswerComparison.records;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import dev.tern.server.interop.SignedZoneQuestions.Question;
import dev.tern.server.testing.KnotSigningPrimary.Denial;
import dev.tern.server.testing.KnotSigningPrimary.SignedZone;

/**
 * knotd signs three zones (NSEC; NSEC3 with salt; NSEC3 with opt-out) and ternd serves them as its secondary. Both
 * are asked the same questions, generated from the signed zone knotd transfers (every owner name and empty
 * non-terminal with many types; a child, a sibling and random labels; the NSEC3 owner names), with DO=1 over UDP
 * and TCP and a smaller set with DO=0. The rcode, the AA, TC, RA, AD and CD flags and every section as a set of
 * records (OPT excluded, compared in canonical wire form with TTLs) must agree, except for the differences listed in
 * {@link #DELIBERATE} with their reasons. The full report is written to {@code target/dnssec-differences.txt}.
 */
class KnotDnssecDifferentialTest {
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(2);
    /** A backstop over the resolver's own timeout, so no wait is unbounded. */
    private static final Duration ANSWER_LIMIT = QUERY_TIMEOUT.multipliedBy(3);
    /** A ternd that stops answering must not make the run last minutes: stop asking after this many timeouts. */
    private static final int MAX_TIMEOUTS = 10;
    private static final int SHOWN_DIFFERENCES = 40;
    private static final int BATCH = 32;

    @TempDir
    static Path dir;
    private static SignedZoneLab lab;

    @BeforeAll
    static void start() throws Exception {
        lab = SignedZoneLab.start(dir, List.of(SignedZoneLab.NSEC, SignedZoneLab.NSEC3, SignedZoneLab.OPT_OUT));
    }

    @AfterAll
    static void stop() throws Exception {
        if (lab != null) {
            lab.close();
        }
    }

    /** How a question is sent: EDNS with a 1232-byte buffer in every case. */
    enum Way {
        UDP_DO("UDP DO=1"), TCP_DO("TCP DO=1"), UDP_NO_DO("UDP DO=0");

        final String label;

        Way(String label) {
            this.label = label;
        }
    }


    /** A rule that says a difference is intended; it may ask knotd more ({@code knotd}) to check ternd's claim. */
    interface Applies {
        boolean test(Way way, Question question, Message knot, Message tern, Asker knotd) throws Exception;
    }

    /** A difference we mean ({@code name} for the summary), and why. */
    record Deliberate(String name, String reason, Applies applies) {
    }

    /**
     * The differences we mean. Everything else fails the test. Each rule is narrow: the header (rcode and flags)
     * must still agree, and the rule checks that the answers differ only in the way its reason describes.
     */
    static final List<Deliberate> DELIBERATE = List.of(
            new Deliberate("both truncated",
                    "both truncated over UDP: a TC answer holds whatever fitted, and the client asks again over TCP"
                            + " (RFC 7766 5); rcode and flags are still compared",
                    (way, q, knot, tern, knotd) -> way != Way.TCP_DO && knot.getHeader().getFlag(Flags.TC)
                            && tern.getHeader().getFlag(Flags.TC)),
            new Deliberate("ANY over UDP",
                    "ANY over UDP: both answer one RRset with its RRSIGs (RFC 8482 4.1) but pick a different one;"
                            + " ternd's RRset must equal knotd's answer for that type, and the additional section"
                            + " follows the RRset picked",
                    (way, q, knot, tern, knotd) -> q.qtype() == Type.ANY && way != Way.TCP_DO
                            && sameSection(knot, tern, Section.AUTHORITY)
                            && rrsetsOnlyIn(tern, knot).size() == 1 && rrsetsOnlyIn(knot, tern).size() == 1
                            && rrsetsOnlyIn(tern, knot).iterator().next().name()
                                    .equals(rrsetsOnlyIn(knot, tern).iterator().next().name())
                            && matchesKnotd(way, q, rrsetsOnlyIn(tern, knot), tern, knotd)),
            new Deliberate("ANY over TCP",
                    "ANY over TCP: ternd answers every RRset at the name, as BIND does (RFC 8482 4.4: a"
                            + " conventional answer where it cannot amplify), knotd one RRset on every transport;"
                            + " each of ternd's RRsets must equal knotd's answer for that type, and the additional"
                            + " section follows the RRsets given",
                    (way, q, knot, tern, knotd) -> q.qtype() == Type.ANY && way == Way.TCP_DO
                            && sameSection(knot, tern, Section.AUTHORITY)
                            && rrsetsOnlyIn(knot, tern).isEmpty()
                            && matchesKnotd(way, q, rrsetsOnlyIn(tern, knot), tern, knotd)),
            new Deliberate("NSEC at a wildcard",
                    "qtype NSEC at a name the wildcard answers (NSEC zone): both synthesize the wildcard's NSEC,"
                            + " ternd also adds the NSEC proving the qname itself does not exist, as for every"
                            + " wildcard answer (RFC 4035 3.1.3.3); knotd leaves it out",
                    (way, q, knot, tern, knotd) -> q.qtype() == Type.NSEC && q.denial() == Denial.NSEC
                            && sameSection(knot, tern, Section.ANSWER)
                            && sameSection(knot, tern, Section.ADDITIONAL)
                            && records(tern, Section.AUTHORITY).keySet().containsAll(
                                    records(knot, Section.AUTHORITY).keySet())
                            && tern.getSection(Section.AUTHORITY).stream().allMatch(r -> r.getRRsetType() == Type.NSEC)
                            && tern.getSection(Section.ANSWER).stream().anyMatch(r -> r instanceof RRSIGRecord sig
                                    && sig.getLabels() < r.getName().labels() - (r.getName().isWild() ? 2 : 1))),
            new Deliberate("additional data from another zone served here",
                    "NS, MX and SRV targets in another zone this server is authoritative for get their addresses"
                            + " (and RRSIGs) in the additional section, as BIND and PowerDNS give them; knotd adds"
                            + " data from the answering zone only",
                    (way, q, knot, tern, knotd) -> sameSection(knot, tern, Section.ANSWER)
                            && sameSection(knot, tern, Section.AUTHORITY)
                            && records(tern, Section.ADDITIONAL).keySet().containsAll(
                                    records(knot, Section.ADDITIONAL).keySet())
                            && tern.getSection(Section.ADDITIONAL).stream()
                                    .filter(r -> r.getType() != Type.OPT && !records(knot, Section.ADDITIONAL)
                                            .containsKey(HexFormat.of().formatHex(r.toWireCanonical())))
                                    .noneMatch(r -> r.getName().subdomain(answeringZone(q)))),
            new Deliberate("qtype RRSIG",
                    "qtype RRSIG: knotd answers the RRSIGs of one RRset, as it does for ANY; ternd every RRSIG at"
                            + " the name (RFC 4035 leaves it open: no validator asks for RRSIGs alone)",
                    (way, q, knot, tern, knotd) -> q.qtype() == Type.RRSIG
                            && sameSection(knot, tern, Section.AUTHORITY)
                            && sameSection(knot, tern, Section.ADDITIONAL)
                            && records(tern, Section.ANSWER).keySet().containsAll(
                                    records(knot, Section.ANSWER).keySet())
                            && tern.getSection(Section.ANSWER).stream().allMatch(r -> r.getType() == Type.RRSIG
                                    && r.getName().equals(q.qname()))));

    /** The zone that answers a question: the unsigned child {@code island} below each zone, or the zone. */
    private static Name answeringZone(Question q) {
        Name island = Name.fromConstantString("island." + q.zone() + ".");
        return q.qname().subdomain(island) ? island : Name.fromConstantString(q.zone() + ".");
    }

    private static boolean sameSection(Message knot, Message tern, int section) {
        return records(knot, section).keySet().equals(records(tern, section).keySet());
    }

    /** An RRset's owner and type (an RRSIG counts with the type it covers). */
    record RRsetKey(Name name, int type) {
    }

    /** The answer-section RRsets of {@code a} that are not in {@code b} record for record. */
    private static Set<RRsetKey> rrsetsOnlyIn(Message a, Message b) {
        Set<String> inB = records(b, Section.ANSWER).keySet();
        Set<RRsetKey> only = new LinkedHashSet<>();
        for (Record record : a.getSection(Section.ANSWER)) {
            if (!inB.contains(HexFormat.of().formatHex(record.toWireCanonical()))) {
                only.add(new RRsetKey(record.getName(), record.getRRsetType()));
            }
        }
        return only;
    }

    /** Whether each of these RRsets in ternd's answer is exactly what knotd answers when asked for it. */
    private static boolean matchesKnotd(Way way, Question q, Set<RRsetKey> rrsets, Message tern, Asker knotd)
            throws Exception {
        for (RRsetKey rrset : rrsets) {
            Message direct = knotd.ask(way == Way.UDP_NO_DO ? Way.UDP_NO_DO : Way.TCP_DO,
                    new Question(q.zone(), q.denial(), rrset.name(), rrset.type(), "ANY check"))
                    .get(ANSWER_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            if (direct == null || !rrset(direct, rrset).equals(rrset(tern, rrset)) || rrset(tern, rrset).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private static Set<String> rrset(Message message, RRsetKey key) {
        Set<String> records = new TreeSet<>();
        for (Record record : message.getSection(Section.ANSWER)) {
            if (record.getName().equals(key.name()) && record.getRRsetType() == key.type()) {
                records.add(HexFormat.of().formatHex(record.toWireCanonical()));
            }
        }
        return records;
    }

    @Test
    void ternAnswersSignedZonesAsKnotdDoes() throws Exception {
        List<Question> questions = new ArrayList<>();
        for (SignedZone zone : lab.zones) {
            if (zone.denial() != Denial.UNSIGNED) {
                questions.addAll(SignedZoneQuestions.questions(zone.zone(), zone.denial(),
                        lab.knot.transfer(zone.zone())));
            }
        }
        Asker knot = new Asker(lab.knot.port());
        Asker tern = new Asker(lab.tern.port());
        List<String> differences = new ArrayList<>();
        Map<String, Integer> deliberateCounts = new TreeMap<>();
        Map<String, Integer> kinds = new TreeMap<>();
        Map<Way, Integer> asked = new LinkedHashMap<>();
        int timeouts = 0;
        long started = System.nanoTime();
        asking:
        for (Way way : Way.values()) {
            // DO=0 is a smaller set: every fourth question.
            List<Question> forWay = new ArrayList<>();
            for (int i = 0; i < questions.size(); i++) {
                if (way != Way.UDP_NO_DO || i % 4 == 0) {
                    forWay.add(questions.get(i));
                }
            }
            // A batch of questions in flight at once, to both servers: bounded, and a few seconds in all.
            for (int start = 0; start < forWay.size(); start += BATCH) {
                List<Question> batch = forWay.subList(start, Math.min(forWay.size(), start + BATCH));
                List<CompletableFuture<Message>> fromKnot = new ArrayList<>();
                List<CompletableFuture<Message>> fromTern = new ArrayList<>();
                for (Question question : batch) {
                    fromKnot.add(knot.ask(way, question));
                    fromTern.add(tern.ask(way, question));
                }
                for (int i = 0; i < batch.size(); i++) {
                    Question question = batch.get(i);
                    asked.merge(way, 1, Integer::sum);
                    Message theirs = fromKnot.get(i).get(ANSWER_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
                    if (theirs == null) {
                        fail("knotd did not answer " + way.label + " " + question + " within " + QUERY_TIMEOUT
                                + ": " + lab.knot.log());
                    }
                    Message ours = fromTern.get(i).get(ANSWER_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
                    if (ours == null) {
                        differences.add(way.label + " " + question + " (" + question.role() + "): ternd sent no"
                                + " answer within " + QUERY_TIMEOUT);
                        kinds.merge(question.denial() + " no answer", 1, Integer::sum);
                        if (++timeouts >= MAX_TIMEOUTS) {
                            differences.add("stopped asking after " + timeouts + " unanswered questions");
                            break asking;
                        }
                        continue;
                    }
                    List<String> diff = difference(theirs, ours);
                    if (diff.isEmpty()) {
                        continue;
                    }
                    String reason = deliberate(way, question, theirs, ours, knot);
                    if (reason != null) {
                        deliberateCounts.merge(reason, 1, Integer::sum);
                        continue;
                    }
                    differences.add(way.label + " " + question + " (" + question.role() + ", " + question.denial()
                            + "):\n    " + String.join("\n    ", diff));
                    for (String kind : kinds(diff)) {
                        kinds.merge(question.denial() + " " + Type.string(question.qtype()) + " " + kind, 1,
                                Integer::sum);
                    }
                }
            }
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        String summary = "asked knotd and ternd " + asked + " questions in " + String.format("%.1f", seconds)
                + " s; deliberate differences: " + deliberateCounts + "; other differences: " + differences.size();
        System.out.println(summary);
        Path report = writeReport(summary, kinds, differences);
        assertThat(asked.get(Way.UDP_DO)).as("DO=1 questions over UDP").isGreaterThanOrEqualTo(500);
        if (!differences.isEmpty()) {
            fail(summary + "\nby zone, qtype and difference:\n  " + kinds.entrySet().stream()
                    .map(e -> e.getValue() + " x " + e.getKey()).reduce((a, b) -> a + "\n  " + b).orElse("")
                    + "\nfirst " + Math.min(SHOWN_DIFFERENCES, differences.size()) + " (all in " + report
                    + "):\n" + String.join("\n", differences.subList(0, Math.min(SHOWN_DIFFERENCES,
                    differences.size()))));
        }
    }

    static String deliberate(Way way, Question question, Message knot, Message tern, Asker knotd)
            throws Exception {
        if (!headerDifference(knot, tern).isEmpty()) {
            return null;
        }
        for (Deliberate rule : DELIBERATE) {
            if (rule.applies().test(way, question, knot, tern, knotd)) {
                return rule.name();
            }
        }
        return null;
    }

    /** Short names for the kinds of difference, for the summary. */
    private static Set<String> kinds(List<String> diff) {
        Set<String> kinds = new TreeSet<>();
        for (String line : diff) {
            if (line.contains(" only ")) {
                String[] words = line.split(" ");
                String type = words.length > 6 ? words[6] : "";
                kinds.add(words[0] + " only " + words[2].replace(":", "") + " " + type);
            } else {
                kinds.add(line.substring(0, line.indexOf(':') > 0 ? line.indexOf(':') : line.length()));
            }
        }
        return kinds;
    }

    private static Path writeReport(String summary, Map<String, Integer> kinds, List<String> differences)
            throws IOException {
        Path report = Path.of("target", "dnssec-differences.txt").toAbsolutePath();
        Files.createDirectories(report.getParent());
        StringBuilder text = new StringBuilder(summary).append("\n\nby zone, qtype and difference:\n");
        kinds.forEach((kind, count) -> text.append("  ").append(count).append(" x ").append(kind).append('\n'));
        text.append("\nDeliberate differences (not failures):\n");
        for (Deliberate rule : DELIBERATE) {
            text.append("  - ").append(rule.name()).append(": ").append(rule.reason()).append('\n');
        }
        text.append("\nevery difference:\n");
        for (String difference : differences) {
            text.append(difference).append('\n');
        }
        Files.writeString(report, text, StandardCharsets.UTF_8);
        return report;
    }

    /** Asks one server on 127.0.0.1, with RD clear; returns null on a timeout. */
    static final class Asker {
        private final Map<Way, SimpleResolver> resolvers = new LinkedHashMap<>();

        Asker(int port) throws IOException {
            for (Way way : Way.values()) {
                SimpleResolver resolver = new SimpleResolver("127.0.0.1");
                resolver.setPort(port);
                resolver.setTimeout(QUERY_TIMEOUT);
                resolver.setTCP(way == Way.TCP_DO);
                resolver.setIgnoreTruncation(true);
                resolver.setEDNS(0, 1232, way == Way.UDP_NO_DO ? 0 : ExtendedFlags.DO, List.of());
                resolvers.put(way, resolver);
            }
        }

        /** The answer, or null when none came within the resolver's timeout. */
        CompletableFuture<Message> ask(Way way, Question question) {
            Message query = Message.newQuery(Record.newRecord(question.qname(), question.qtype(), DClass.IN));
            query.getHeader().unsetFlag(Flags.RD);
            return resolvers.get(way).sendAsync(query).toCompletableFuture().handle((answer, error) -> {
                if (error == null) {
                    return answer;
                }
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                if (cause instanceof SocketTimeoutException || cause instanceof TimeoutException) {
                    return null;
                }
                throw new CompletionException("asking " + way.label + " " + question, cause);
            });
        }
    }
}
