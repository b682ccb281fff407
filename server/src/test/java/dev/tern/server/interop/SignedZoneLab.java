package dev.tern.server.interop;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import dev.tern.server.testing.FreePort;
import dev.tern.server.testing.KnotSigningPrimary;
import dev.tern.server.testing.KnotSigningPrimary.Denial;
import dev.tern.server.testing.KnotSigningPrimary.SignedZone;
import dev.tern.server.testing.TernSecondary;

/**
 * Zones knotd signs (NSEC, NSEC3, NSEC3 with opt-out) and ternd serves as knotd's secondary. One text, written
 * relative to the origin, covers what a signed zone can hold: apex types, a wildcard, an empty non-terminal, CNAMEs
 * in and out of the zone and to the wildcard, a DNAME, a signed delegation with DS, insecure delegations with glue
 * (one of them, {@code island}, to an unsigned child both servers also host), and an RRset too large for UDP.
 * Every address and name server is on loopback or under {@code .invalid}.
 */
final class SignedZoneLab implements AutoCloseable {
    static final String NSEC = "nsec.test";
    static final String NSEC3 = "nsec3.test";
    static final String OPT_OUT = "optout.test";
    static final Duration TRANSFER_LIMIT = Duration.ofSeconds(30);

    final KnotSigningPrimary knot;
    final TernSecondary tern;
    final List<SignedZone> zones;

    private SignedZoneLab(KnotSigningPrimary knot, TernSecondary tern, List<SignedZone> zones) {
        this.knot = knot;
        this.tern = tern;
        this.zones = zones;
    }

    /** The signed zones, each with its unsigned child {@code island}: NSEC with a KSK and a ZSK, the rest a CSK. */
    static List<SignedZone> zones(List<String> signed) {
        List<SignedZone> zones = new ArrayList<>();
        for (String zone : signed) {
            zones.add(switch (zone) {
                case NSEC -> new SignedZone(zone, text(zone, ""), Denial.NSEC, false, 0);
                case NSEC3 -> new SignedZone(zone, text(zone, ""), Denial.NSEC3, true, 8);
                case OPT_OUT -> new SignedZone(zone, text(zone, ""), Denial.NSEC3_OPT_OUT, true, 0);
                default -> throw new IllegalArgumentException("zone: " + zone);
            });
            zones.add(SignedZone.unsigned("island." + zone, island(zone)));
        }
        return zones;
    }

    /** Starts ternd, then knotd (which NOTIFYs ternd), and waits until ternd serves every zone at knotd's serial. */
    static SignedZoneLab start(Path dir, List<String> signed) throws Exception {
        List<SignedZone> zones = zones(signed);
        int knotPort = FreePort.pick();
        TernSecondary tern = TernSecondary.start(Files.createDirectories(dir.resolve("tern")), knotPort,
                zones.stream().map(SignedZone::zone).toList());
        KnotSigningPrimary knot;
        try {
            knot = KnotSigningPrimary.start(Files.createDirectories(dir.resolve("knot")), knotPort, tern.port(),
                    zones);
        } catch (Throwable e) {
            tern.close();
            throw e;
        }
        SignedZoneLab lab = new SignedZoneLab(knot, tern, zones);
        try {
            for (SignedZone zone : zones) {
                tern.awaitSerial(zone.zone(), knot.serial(zone.zone()), TRANSFER_LIMIT);
            }
        } catch (Throwable e) {
            lab.close();
            throw e;
        }
        return lab;
    }

    /** The zone's master-file text; {@code extra} is appended (relative names). */
    static String text(String zone, String extra) {
        StringBuilder text = new StringBuilder("$ORIGIN " + zone + ".\n$TTL 300\n" + """
                @           SOA   ns1 hostmaster 1 3600 600 86400 60
                @           NS    ns1
                @           NS    ns2
                @           MX    10 mail
                @           TXT   "apex"
                ns1         A     127.0.0.1
                ns2         A     127.0.0.2
                ns2         AAAA  ::1
                mail        A     127.0.0.3
                www         A     127.0.0.4
                www         AAAA  ::4
                www         TXT   "www"
                a.b.ent     A     127.0.0.5
                _sip._tcp   SRV   0 5 5060 www
                *.wild      A     127.0.0.6
                *.wild      TXT   "wildcard"
                sub.wild    A     127.0.0.7
                in          CNAME www
                chain       CNAME in
                out         CNAME www.example.invalid.
                towild      CNAME host.wild
                dangling    CNAME nothere
                dn          DNAME target
                x.target    A     127.0.0.8
                y.target    TXT   "below the DNAME target"
                secure      NS    ns.secure
                secure      DS    12345 13 2 5F1C4D3B2A19080706F5E4D3C2B1A09F8E7D6C5B4A39281706F5E4D3C2B1A098
                ns.secure   A     127.0.0.9
                insecure    NS    ns.insecure
                insecure    NS    ns1
                ns.insecure A     127.0.0.10
                ns.insecure AAAA  ::10
                island      NS    ns1
                """);
        for (int i = 0; i < 40; i++) {
            text.append(String.format("big         TXT   \"record %02d of an RRset too large for a 1232-byte UDP"
                    + " answer\"%n", i));
        }
        return text.append(extra).toString();
    }

    /** The unsigned child below the insecure delegation {@code island}. */
    static String island(String parent) {
        return "$ORIGIN island." + parent + ".\n$TTL 300\n" + """
                @           SOA   ns1 hostmaster 1 3600 600 86400 60
                @           NS    ns1.%s.
                host        A     127.0.0.11
                """.formatted(parent);
    }

    @Override
    public void close() throws Exception {
        try {
            knot.close();
        } finally {
            tern.close();
        }
    }
}
