package dev.tern.server.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import dev.tern.server.testing.Peers;

/**
 * BIND's {@code delv}, trusting nothing but each zone's KSK, validates ternd's answers for zones knotd signed with
 * NSEC and with NSEC3 (and with NSEC3 opt-out): a positive answer, NXDOMAIN, NODATA, a wildcard answer, wildcard
 * NODATA, an empty non-terminal, a CNAME to the wildcard, DS at a signed delegation, and an insecure delegation
 * (no DS, proven; the unsigned child below it is reported as unsigned). Then knotd edits and re-signs every zone,
 * ternd follows by NOTIFY and IXFR, and every check passes again. Each check runs against knotd first: a failure
 * there is the harness's, a failure only through ternd is ternd's.
 */
class DelvValidationTest {
    /** delv 9.18's first comment line for a validated positive answer. */
    private static final String VALIDATED = "; fully validated";
    /** ... for a validated NXDOMAIN or NODATA. */
    private static final String NEGATIVE = "; negative response, fully validated";
    /** ... for an answer below an insecure delegation, or one BIND treats as insecure. */
    private static final String UNSIGNED = "; unsigned answer";
    private static final String ADDED = "added       A     127.0.0.12\nnew.deep.ent2 TXT \"new, with two new empty"
            + " non-terminals\"\n";

    /**
     * One delv question and what delv must say.
     *
     * @param expected delv's status lines in order (a CNAME chain whose parts validate differently gets one each)
     * @param negative delv's marker after the name ({@code ;-$NXDOMAIN}, {@code ;-$NXRRSET}), or null for an answer
     */
    record Check(String what, String name, String type, List<String> expected, String negative) {
        Check(String what, String name, String type, String expected, String negative) {
            this(what, name, type, List.of(expected), negative);
        }
    }

    static List<Check> checks(String zone, boolean optOut, boolean edited) {
        List<Check> checks = new ArrayList<>(List.of(
                new Check("positive answer", "www." + zone, "A", VALIDATED, null),
                new Check("positive answer at the apex", zone, "MX", VALIDATED, null),
                new Check("NXDOMAIN", "nope." + zone, "A", NEGATIVE, ";-$NXDOMAIN"),
                new Check("NXDOMAIN below an existing name", "x.www." + zone, "A", NEGATIVE, ";-$NXDOMAIN"),
                new Check("NODATA", "www." + zone, "MX", NEGATIVE, ";-$NXRRSET"),
                // RFC 5155 9.2 / BIND: a wildcard answer whose next-closer proof is an opt-out NSEC3 is insecure.
                new Check("wildcard answer", "host.wild." + zone, "A", optOut ? UNSIGNED : VALIDATED, null),
                new Check("wildcard NODATA", "host.wild." + zone, "MX", NEGATIVE, ";-$NXRRSET"),
                // delv prints one status for a chain that validates alike, one per part when it does not.
                new Check("CNAME to the wildcard", "towild." + zone, "TXT",
                        optOut ? List.of(VALIDATED, UNSIGNED) : List.of(VALIDATED), null),
                new Check("empty non-terminal", "b.ent." + zone, "A", NEGATIVE, ";-$NXRRSET"),
                new Check("DS at a signed delegation", "secure." + zone, "DS", VALIDATED, null),
                new Check("no DS at an insecure delegation", "insecure." + zone, "DS", NEGATIVE, ";-$NXRRSET"),
                new Check("unsigned child below an insecure delegation", "host.island." + zone, "A", UNSIGNED,
                        null)));
        if (edited) {
            checks.add(new Check("name added by the edit", "added." + zone, "A", VALIDATED, null));
            checks.add(new Check("empty non-terminal added by the edit", "deep.ent2." + zone, "TXT", NEGATIVE,
                    ";-$NXRRSET"));
            checks.add(new Check("TXT removed by the edit", "www." + zone, "TXT", NEGATIVE, ";-$NXRRSET"));
        } else {
            checks.add(new Check("name the edit will add", "added." + zone, "A", NEGATIVE, ";-$NXDOMAIN"));
        }
        return checks;
    }

    @Test
    void delvValidatesTernsAnswersBeforeAndAfterKnotdResigns(@TempDir Path dir) throws Exception {
        String delv = Peers.require("delv", "bind9-dnsutils");
        List<String> zones = List.of(SignedZoneLab.NSEC, SignedZoneLab.NSEC3, SignedZoneLab.OPT_OUT);
        try (SignedZoneLab lab = SignedZoneLab.start(dir, zones)) {
            Path anchors = dir.resolve("anchors.conf");
            StringBuilder text = new StringBuilder("trust-anchors {\n");
            for (String zone : zones) {
                text.append("  ").append(lab.knot.trustAnchor(zone)).append('\n');
            }
            Files.writeString(anchors, text.append("};\n"), StandardCharsets.UTF_8);

            List<String> failures = new ArrayList<>();
            for (String zone : zones) {
                check(delv, anchors, lab, zone, false, failures);
            }
            if (!failures.isEmpty()) {
                fail("before the edit, delv through ternd:\n" + String.join("\n", failures));
            }

            for (String zone : zones) {
                String edited = SignedZoneLab.text(zone, ADDED).replace("www         TXT   \"www\"\n", "");
                long serial = lab.knot.update(zone, edited);
                lab.tern.awaitSerial(zone, serial, SignedZoneLab.TRANSFER_LIMIT);
                assertThat(lab.tern.log(zone)).as("ternd's log for " + zone)
                        .containsPattern("IXFR-in from 127\\.0\\.0\\.1:\\d+: finished, serial \\d+ -> " + serial);
            }
            for (String zone : zones) {
                check(delv, anchors, lab, zone, true, failures);
            }
            if (!failures.isEmpty()) {
                fail("after knotd edited and re-signed the zones and ternd followed by IXFR, delv through ternd:\n"
                        + String.join("\n", failures));
            }
        }
    }

    private static void check(String delv, Path anchors, SignedZoneLab lab, String zone, boolean edited,
                              List<String> failures) throws Exception {
        for (Check check : checks(zone, zone.equals(SignedZoneLab.OPT_OUT), edited)) {
            String fromKnot = delv(delv, anchors, lab.knot.port(), zone, check);
            if (!says(fromKnot, check)) {
                fail("the harness is wrong, not ternd: delv through knotd itself, " + describe(zone, check)
                        + ", printed:\n" + fromKnot);
            }
            String fromTern = delv(delv, anchors, lab.tern.port(), zone, check);
            if (!says(fromTern, check)) {
                failures.add(describe(zone, check) + "; delv printed:\n" + indent(fromTern)
                        + "\n  (through knotd it printed:)\n" + indent(fromKnot));
            }
        }
    }

    private static String describe(String zone, Check check) {
        return zone + " " + check.what() + " (" + check.name() + " " + check.type() + "): expected "
                + check.expected() + (check.negative() == null ? "" : " and " + check.negative());
    }

    private static boolean says(String output, Check check) {
        return statuses(output).equals(check.expected())
                && (check.negative() == null || output.contains(check.negative()))
                && (check.negative() != null || !output.contains("resolution failed"));
    }

    /**
     * delv's verdicts: its {@code "; "} comment lines that say how an answer validated. The records it quotes in
     * comments hold owner names, so they have dots; the verdicts ("; fully validated") have none.
     */
    static List<String> statuses(String output) {
        return output.lines().filter(line -> line.startsWith("; ") && !line.contains(".")).toList();
    }

    private static String delv(String delv, Path anchors, int port, String zone, Check check) throws Exception {
        return Peers.run(20, delv, "@127.0.0.1", "-p", Integer.toString(port), "+root=" + zone + ".", "-a",
                anchors.toString(), check.name() + ".", check.type()).output();
    }

    private static String indent(String text) {
        return "    " + text.strip().replace("\n", "\n    ");
    }
}
