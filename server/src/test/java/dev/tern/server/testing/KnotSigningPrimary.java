package dev.tern.server.testing;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.xbill.DNS.DClass;
import org.xbill.DNS.DNSKEYRecord;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import org.xbill.DNS.ZoneTransferIn;

/**
 * A real Knot DNS primary ({@code knotd} from Debian's {@code knot}) on 127.0.0.1 that signs its zones itself
 * (automatic signing with ECDSA P-256, NSEC or NSEC3), keeps a journal so it answers IXFR, and sends NOTIFY to one
 * loopback port after each change. knotd raises the serial when it signs, so the served serial is read back, never
 * taken from the zone text.
 */
public final class KnotSigningPrimary implements AutoCloseable {
    private static final Duration SIGNING_LIMIT = Duration.ofSeconds(20);

    /** How a signed zone proves that names and types do not exist. */
    public enum Denial {
        /** Served as written, without signatures (a child below an insecure delegation). */
        UNSIGNED,
        NSEC,
        NSEC3,
        /** NSEC3 with opt-out (RFC 5155 6): insecure delegations get no NSEC3 of their own. */
        NSEC3_OPT_OUT
    }

    /**
     * One zone knotd serves.
     *
     * @param zone the origin without the trailing dot
     * @param singleKey one combined signing key (CSK, single-type-signing) instead of a KSK and a ZSK
     * @param saltLength NSEC3 salt length in bytes, 0 or 8
     */
    public record SignedZone(String zone, String text, Denial denial, boolean singleKey, int saltLength) {
        public SignedZone {
            requireNonNull(zone, "zone");
            requireNonNull(text, "text");
            requireNonNull(denial, "denial");
            if (zone.endsWith(".")) {
                throw new IllegalArgumentException("zone: " + zone + " (expected: no trailing dot)");
            }
            if (saltLength != 0 && saltLength != 8) {
                throw new IllegalArgumentException("saltLength: " + saltLength + " (expected: 0 or 8)");
            }
        }

        public static SignedZone unsigned(String zone, String text) {
            return new SignedZone(zone, text, Denial.UNSIGNED, true, 0);
        }

        boolean signed() {
            return denial != Denial.UNSIGNED;
        }

        String policyId() {
            return "p-" + zone.replace('.', '-');
        }
    }

    private final Path dir;
    private final Process process;
    private final int port;
    private final Map<String, SignedZone> zones;

    private KnotSigningPrimary(Path dir, Process process, int port, Map<String, SignedZone> zones) {
        this.dir = dir;
        this.process = process;
        this.port = port;
        this.zones = zones;
    }

    /**
     * Starts knotd on 127.0.0.1@{@code port} serving the zones; with {@code notifyPort} > 0 it sends NOTIFY to
     * 127.0.0.1 on that port after each change. Returns once every signed zone serves a signed SOA and DNSKEY.
     */
    public static KnotSigningPrimary start(Path dir, int port, int notifyPort, List<SignedZone> zones)
            throws Exception {
        String knotd = Peers.require("knotd", "knot");
        Peers.require("knotc", "knot");
        Map<String, SignedZone> byName = new LinkedHashMap<>();
        for (SignedZone zone : zones) {
            byName.put(zone.zone(), zone);
            Files.writeString(dir.resolve(zone.zone() + ".zone"), zone.text(), StandardCharsets.UTF_8);
        }
        Path confFile = dir.resolve("knot.conf");
        Files.writeString(confFile, config(dir, port, notifyPort, zones), StandardCharsets.UTF_8);
        Process process = new ProcessBuilder(knotd, "-c", confFile.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("knotd.log").toFile()).start();
        KnotSigningPrimary primary = new KnotSigningPrimary(dir, process, port, byName);
        try {
            for (SignedZone zone : zones) {
                primary.awaitLoaded(zone);
            }
        } catch (Throwable e) {
            primary.close();
            throw e;
        }
        return primary;
    }

    /*
     * zonefile-load: difference-no-serial lets knotd compute the change from the edited file and choose the serial
     * itself (it needs journal-content: all); zonefile-sync: -1 keeps knotd from writing the signed zone back.
     */
    private static String config(Path dir, int port, int notifyPort, List<SignedZone> zones) {
        StringBuilder conf = new StringBuilder();
        conf.append("server:\n  rundir: \"").append(dir).append("\"\n  listen: 127.0.0.1@").append(port)
                .append("\n  background-workers: 1\n  udp-workers: 1\n  tcp-workers: 1\n");
        conf.append("log:\n  - target: stderr\n    any: info\n");
        conf.append("database:\n  storage: \"").append(dir).append("\"\n");
        conf.append("acl:\n  - id: xfr\n    address: 127.0.0.0/8\n    action: transfer\n");
        if (notifyPort > 0) {
            conf.append("remote:\n  - id: secondary\n    address: 127.0.0.1@").append(notifyPort).append("\n");
        }
        conf.append("policy:\n");
        for (SignedZone zone : zones) {
            if (!zone.signed()) {
                continue;
            }
            conf.append("  - id: ").append(zone.policyId()).append("\n    algorithm: ecdsap256sha256\n")
                    .append("    single-type-signing: ").append(zone.singleKey() ? "on" : "off").append("\n");
            if (zone.denial() != Denial.NSEC) {
                conf.append("    nsec3: on\n    nsec3-iterations: 0\n    nsec3-salt-length: ")
                        .append(zone.saltLength()).append("\n    nsec3-opt-out: ")
                        .append(zone.denial() == Denial.NSEC3_OPT_OUT ? "on" : "off").append("\n");
            }
        }
        conf.append("template:\n  - id: default\n    storage: \"").append(dir).append("\"\n")
                .append("    zonefile-sync: -1\n    zonefile-load: difference-no-serial\n")
                .append("    journal-content: all\n    semantic-checks: off\n    acl: xfr\n")
                .append(notifyPort > 0 ? "    notify: secondary\n" : "");
        conf.append("zone:\n");
        for (SignedZone zone : zones) {
            conf.append("  - domain: ").append(zone.zone()).append("\n    file: ").append(zone.zone())
                    .append(".zone\n");
            if (zone.signed()) {
                conf.append("    dnssec-signing: on\n    dnssec-policy: ").append(zone.policyId()).append("\n");
            }
        }
        return conf.toString();
    }

    public int port() {
        return port;
    }

    /** The serial knotd serves for the zone now (after its own signing bump). */
    public long serial(String zone) throws Exception {
        Message answer = ask(zone + ".", Type.SOA, false);
        for (Record record : answer.getSection(Section.ANSWER)) {
            if (record instanceof SOARecord soa) {
                return soa.getSerial();
            }
        }
        return fail("knotd has no SOA for " + zone + " (rcode " + answer.getRcode() + "): " + log());
    }

    /**
     * Replaces the zone's text and has knotd reload it; knotd applies the difference, re-signs and raises the serial
     * by itself. Waits (bounded) until the served serial changes and returns the new one.
     */
    public long update(String zone, String zoneText) throws Exception {
        SignedZone old = zones.get(zone);
        if (old == null) {
            throw new IllegalArgumentException("zone: " + zone + " (expected one of " + zones.keySet() + ")");
        }
        long before = serial(zone);
        SignedZone edited = new SignedZone(zone, zoneText, old.denial(), old.singleKey(), old.saltLength());
        zones.put(zone, edited);
        Files.writeString(dir.resolve(zone + ".zone"), zoneText, StandardCharsets.UTF_8);
        Peers.Result reload = Peers.run(20, Peers.require("knotc", "knot"), "-c",
                dir.resolve("knot.conf").toString(), "zone-reload", zone);
        if (reload.exitCode() != 0) {
            fail("knotc zone-reload " + zone + " failed: " + reload.output());
        }
        long deadline = System.nanoTime() + SIGNING_LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            checkAlive();
            long now = serial(zone);
            if (now != before) {
                awaitLoaded(edited);
                return now;
            }
            Thread.sleep(100);
        }
        return fail("knotd still serves serial " + before + " of " + zone + " " + SIGNING_LIMIT
                + " after zone-reload: " + log());
    }

    /** The zone's key-signing key (flags 257) as knotd publishes it. */
    public DNSKEYRecord ksk(String zone) throws Exception {
        List<DNSKEYRecord> ksks = new ArrayList<>();
        for (Record record : ask(zone + ".", Type.DNSKEY, false).getSection(Section.ANSWER)) {
            if (record instanceof DNSKEYRecord key && key.getFlags() == 257) {
                ksks.add(key);
            }
        }
        if (ksks.size() != 1) {
            fail("expected one DNSKEY with flags 257 at " + zone + ", got " + ksks + ": " + log());
        }
        return ksks.get(0);
    }

    /**
     * The KSK as one statement of BIND's {@code trust-anchors} clause:
     * {@code zone. static-key 257 3 13 "base64";}.
     */
    public String trustAnchor(String zone) throws Exception {
        DNSKEYRecord key = ksk(zone);
        return zone + ". static-key " + key.getFlags() + " " + key.getProtocol() + " " + key.getAlgorithm() + " \""
                + Base64.getEncoder().encodeToString(key.getKey()) + "\";";
    }

    /** Every record of the zone as knotd signed it, by AXFR. */
    public List<Record> transfer(String zone) throws Exception {
        ZoneTransferIn xfr = ZoneTransferIn.newAXFR(Name.fromString(zone + "."), "127.0.0.1", port, null);
        xfr.setTimeout(Duration.ofSeconds(10));
        xfr.run();
        return xfr.getAXFR();
    }

    public String log() throws IOException {
        Path log = dir.resolve("knotd.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    /** Waits until the zone is served, and signed when it should be: an RRSIG over the SOA and a DNSKEY. */
    private void awaitLoaded(SignedZone zone) throws Exception {
        long deadline = System.nanoTime() + SIGNING_LIMIT.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            checkAlive();
            try {
                Message soa = ask(zone.zone() + ".", Type.SOA, true);
                boolean hasSoa = soa.getSection(Section.ANSWER).stream().anyMatch(r -> r.getType() == Type.SOA);
                boolean signedSoa = soa.getSection(Section.ANSWER).stream().anyMatch(r -> r.getType() == Type.RRSIG);
                if (hasSoa && !zone.signed()) {
                    return;
                }
                if (hasSoa && signedSoa && !ask(zone.zone() + ".", Type.DNSKEY, false)
                        .getSection(Section.ANSWER).isEmpty()) {
                    return;
                }
                last = "rcode " + soa.getRcode() + ", SOA " + hasSoa + ", RRSIG " + signedSoa;
            } catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(100);
        }
        fail("knotd did not serve " + (zone.signed() ? "a signed " : "") + zone.zone() + " within " + SIGNING_LIMIT
                + " (" + last + "): " + log());
    }

    private Message ask(String name, int type, boolean dnssecOk) throws IOException {
        SimpleResolver resolver = new SimpleResolver("127.0.0.1");
        resolver.setPort(port);
        resolver.setTimeout(Duration.ofSeconds(2));
        resolver.setTCP(true);
        resolver.setEDNS(0, 1232, dnssecOk ? ExtendedFlags.DO : 0, List.of());
        return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    private void checkAlive() throws IOException {
        if (!process.isAlive()) {
            fail("knotd exited with " + process.exitValue() + ": " + log());
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
    }
}
