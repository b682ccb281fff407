package dev.tern.server.interop;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.xbill.DNS.Name;
import org.xbill.DNS.RRSIGRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import dev.tern.server.testing.KnotSigningPrimary.Denial;

/**
 * The questions {@link KnotDnssecDifferentialTest} asks of knotd and ternd, generated deterministically from a signed
 * zone's records so that every case of a signed answer is covered.
 */
final class SignedZoneQuestions {
    /** One question; {@code role} says how it was generated (owner, child, sibling, ...). */
    record Question(String zone, Denial denial, Name qname, int qtype, String role) {
        @Override
        public String toString() {
            return qname + " " + Type.string(qtype);
        }
    }

    private static final List<Integer> CORE_TYPES = List.of(Type.A, Type.AAAA, Type.TXT, Type.MX, Type.NS, Type.SOA,
            Type.DS, Type.DNSKEY, Type.NSEC, Type.NSEC3, Type.NSEC3PARAM, Type.RRSIG, Type.CNAME, Type.DNAME,
            Type.SRV, Type.ANY);

    /**
     * The questions for one zone, from its signed records: the apex with {@link #CORE_TYPES}; every other owner name
     * and empty non-terminal with the types it holds and A, MX, DS, NSEC, NSEC3, RRSIG and ANY; a child and a
     * sibling of each, the NSEC3 owner names and random labels with fewer types; names the wildcard, the DNAME
     * and the delegations answer for, the unsigned child below {@code island}, a mixed-case name and a name
     * outside every zone.
     */
    static List<Question> questions(String zone, Denial denial, List<Record> records) throws IOException {
        Name apex = Name.fromString(zone + ".");
        Set<Name> owners = new TreeSet<>();
        Set<Name> nsec3Owners = new TreeSet<>();
        Map<Name, Set<Integer>> typesAt = new TreeMap<>();
        for (Record record : records) {
            if (record.getType() == Type.NSEC3 || (record.getType() == Type.RRSIG
                    && ((RRSIGRecord) record).getTypeCovered() == Type.NSEC3)) {
                nsec3Owners.add(record.getName());
                continue;
            }
            owners.add(record.getName());
            typesAt.computeIfAbsent(record.getName(), n -> new TreeSet<>()).add(record.getType());
        }
        Set<Name> names = new TreeSet<>(owners);
        for (Name owner : owners) {
            for (Name parent = parent(owner); parent != null && parent.subdomain(apex); parent = parent(parent)) {
                names.add(parent);
            }
        }
        int nsecType = denial == Denial.NSEC ? Type.NSEC : Type.NSEC3;
        List<Question> questions = new ArrayList<>();
        for (Name name : names) {
            // The apex gets every type; other names the types they hold and the ones that tell answers apart.
            Set<Integer> types = new LinkedHashSet<>(name.equals(apex) ? CORE_TYPES
                    : List.of(Type.A, Type.MX, Type.DS, Type.NSEC, Type.NSEC3, Type.RRSIG, Type.ANY));
            types.addAll(typesAt.getOrDefault(name, Set.of()));
            String role = owners.contains(name) ? "owner" : "empty non-terminal";
            for (int type : types) {
                questions.add(new Question(zone, denial, name, type, role));
            }
        }
        for (Name name : names) {
            String first = name.getLabelString(0);
            add(questions, zone, denial, Name.concatenate(Name.fromString("x1"), name),
                    List.of(Type.A, nsecType), "child");
            if (!name.equals(apex) && !first.equals("*")) {
                add(questions, zone, denial, Name.concatenate(Name.fromString(first + "0"), parent(name)),
                        List.of(Type.DS), "sibling");
            }
        }
        for (Name name : nsec3Owners) {
            add(questions, zone, denial, name, List.of(Type.NSEC3, Type.A), "NSEC3 owner");
        }
        Random random = new Random(zone.hashCode());
        for (int i = 0; i < 4; i++) {
            StringBuilder label = new StringBuilder();
            int length = 1 + random.nextInt(10);
            for (int c = 0; c < length; c++) {
                label.append("abcdefghijklmnopqrstuvwxyz0123456789".charAt(random.nextInt(36)));
            }
            add(questions, zone, denial, Name.concatenate(Name.fromString(label.toString()), apex),
                    List.of(Type.A, nsecType), "random label");
        }
        List<Integer> fewer = List.of(Type.A, Type.AAAA, Type.TXT, Type.DS, nsecType, Type.ANY);
        List<Integer> wildcard = List.of(Type.A, Type.TXT, Type.MX, Type.AAAA, Type.NSEC, Type.NSEC3, Type.RRSIG,
                Type.ANY);
        add(questions, zone, denial, Name.fromString("host.wild." + zone + "."), wildcard, "wildcard");
        add(questions, zone, denial, Name.fromString("a.b.wild." + zone + "."), wildcard, "wildcard, two deep");
        add(questions, zone, denial, Name.fromString("x.dn." + zone + "."), fewer, "below the DNAME");
        add(questions, zone, denial, Name.fromString("nothere.dn." + zone + "."), fewer, "below the DNAME");
        add(questions, zone, denial, Name.fromString("a.b.insecure." + zone + "."), fewer, "below a delegation");
        add(questions, zone, denial, Name.fromString("host.island." + zone + "."), fewer, "below island");
        add(questions, zone, denial, Name.fromString("WwW." + zone.toUpperCase(Locale.ROOT) + "."),
                List.of(Type.A, Type.RRSIG, Type.NSEC), "mixed case");
        add(questions, zone, denial, Name.fromString("outside.invalid."), List.of(Type.A), "outside every zone");
        return questions;
    }

    private static void add(List<Question> questions, String zone, Denial denial, Name name, List<Integer> types,
                            String role) {
        for (int type : types) {
            questions.add(new Question(zone, denial, name, type, role));
        }
    }

    private static Name parent(Name name) {
        return name.labels() <= 1 ? null : new Name(name, 1);
    }

    private SignedZoneQuestions() {
    }
}
