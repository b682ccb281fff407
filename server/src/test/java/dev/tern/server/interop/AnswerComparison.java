package dev.tern.server.interop;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * How knotd's and ternd's answers to one question differ, in lines a reader can act on: rcode, header flags, the
 * OPT record's DO bit, and each section compared as a set of records (canonical wire form with TTL).
 */
final class AnswerComparison {
    private AnswerComparison() {
    }

    /** The ways two answers differ, one line each; empty when they are equivalent. */
    static List<String> difference(Message knot, Message tern) {
        List<String> diffs = new ArrayList<>(headerDifference(knot, tern));
        for (int section : new int[] {Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL}) {
            Map<String, String> theirs = records(knot, section);
            Map<String, String> ours = records(tern, section);
            if (theirs.keySet().equals(ours.keySet())) {
                continue;
            }
            List<String> onlyKnot = new ArrayList<>();
            List<String> onlyTern = new ArrayList<>();
            theirs.forEach((key, text) -> {
                if (!ours.containsKey(key)) {
                    onlyKnot.add(text);
                }
            });
            ours.forEach((key, text) -> {
                if (!theirs.containsKey(key)) {
                    onlyTern.add(text);
                }
            });
            String name = section == Section.ANSWER ? "ANSWER" : section == Section.AUTHORITY ? "AUTHORITY"
                    : "ADDITIONAL";
            for (String text : onlyKnot) {
                diffs.add(name + " only knotd: " + text);
            }
            for (String text : onlyTern) {
                diffs.add(name + " only ternd: " + text);
            }
        }
        return diffs;
    }

    static List<String> headerDifference(Message knot, Message tern) {
        List<String> diffs = new ArrayList<>();
        if (knot.getRcode() != tern.getRcode()) {
            diffs.add("rcode: knotd " + Rcode.string(knot.getRcode()) + ", ternd " + Rcode.string(tern.getRcode()));
        }
        for (int flag : new int[] {Flags.AA, Flags.TC, Flags.RA, Flags.AD, Flags.CD}) {
            boolean a = knot.getHeader().getFlag(flag);
            boolean b = tern.getHeader().getFlag(flag);
            if (a != b) {
                diffs.add(Flags.string(flag).toUpperCase(Locale.ROOT) + ": knotd " + (a ? "set" : "clear")
                        + ", ternd " + (b ? "set" : "clear"));
            }
        }
        if (tern.getHeader().getFlag(Flags.RA)) {
            diffs.add("RA set by ternd (an authoritative-only server does not offer recursion)");
        }
        OPTRecord knotOpt = knot.getOPT();
        OPTRecord ternOpt = tern.getOPT();
        if ((knotOpt == null) != (ternOpt == null)) {
            diffs.add("OPT: knotd " + (knotOpt == null ? "none" : "present") + ", ternd "
                    + (ternOpt == null ? "none" : "present"));
        } else if (knotOpt != null && (knotOpt.getFlags() & ExtendedFlags.DO) != (ternOpt.getFlags()
                & ExtendedFlags.DO)) {
            diffs.add("DO bit in OPT: knotd " + ((knotOpt.getFlags() & ExtendedFlags.DO) != 0) + ", ternd "
                    + ((ternOpt.getFlags() & ExtendedFlags.DO) != 0));
        }
        return diffs;
    }

    /** The records of a section (OPT excluded) by canonical wire form with TTL, each with its presentation form. */
    static Map<String, String> records(Message message, int section) {
        Map<String, String> records = new TreeMap<>();
        for (Record record : message.getSection(section)) {
            if (record instanceof OPTRecord) {
                continue;
            }
            records.put(HexFormat.of().formatHex(record.toWireCanonical()),
                    record.toString().replace('\t', ' ').replaceAll(" +", " "));
        }
        return records;
    }
}
