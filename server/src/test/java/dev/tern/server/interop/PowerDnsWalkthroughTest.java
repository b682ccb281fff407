package dev.tern.server.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Type;
import dev.tern.config.ConfigLoader;
import dev.tern.server.Server;
import dev.tern.server.cli.TernCtlMain;
import dev.tern.server.testing.Answers;
import dev.tern.server.testing.FreePort;
import dev.tern.server.testing.PowerDnsServer;

/**
 * The steps of docs/secondary-of-powerdns.md, on loopback instead of a tunnel: a TSIG key made with ternctl and
 * imported with pdnsutil, a pdns_server primary that notifies only its also-notify address, the zone created on the
 * Tern side with ternctl, the first transfer by {@code ternctl retrieve}, the check with {@code ternctl
 * zone-status}, and a change on the primary that reaches Tern by NOTIFY alone.
 */
class PowerDnsWalkthroughTest {
    private static final String ZONE_FILE = "$ORIGIN example.org.\n$TTL 300\n"
            + "@ SOA ns1.example.org. hostmaster.example.org. 2026120201 3600 600 1209600 300\n"
            + "@ NS ns1.example.org.\n@ NS ns2.example.org.\nns1 A 127.0.0.1\nns2 A 127.0.0.2\nwww A 127.0.0.80\n";

    /** What one ternctl run printed, and its exit code. */
    record Run(int code, String out) {
    }

    @TempDir
    Path dir;

    @Test
    void aTernSecondaryFollowsPowerDnsWithTsigAndNotify() throws Exception {
        // The secondary: tern.conf as in the walkthrough, on loopback and a free port.
        Path ternConf = dir.resolve("tern.conf");
        Files.writeString(ternConf, "local-address=127.0.0.1\nlocal-port=0\ngsqlite3-database=" + dir.resolve(
                "tern.sqlite3") + "\nsocket-dir=" + dir + "\nsecondary=yes\nsql-poll-interval=0\n");
        try (Server tern = new Server(new ConfigLoader().load(ternConf, List.of())).start(false)) {
            // Step 1: the key, made on the secondary; its output is what the primary imports.
            Run key = ternctl(ternConf, "tsig", "add", "ns2-xfr", "hmac-sha256");
            assertThat(key.code()).as(key.out()).isZero();
            String[] words = key.out().strip().split("\\s+");
            assertThat(words).hasSize(3);
            assertThat(words[0]).isEqualTo("ns2-xfr");

            // Step 2: the primary, with the key on its zone and NOTIFY only to also-notify. allow-axfr-ips leaves
            // our address out, so only the key lets us transfer.
            Path pdnsDir = Files.createDirectories(dir.resolve("pdns"));
            Path pdnsDatabase = pdnsDir.resolve("pdns.sqlite3");
            int pdnsPort = FreePort.pick();
            PowerDnsServer.createDatabase(pdnsDatabase);
            PowerDnsServer.configure(pdnsDir, pdnsDatabase, List.of("primary=yes", "allow-axfr-ips=127.0.0.2/32",
                    "also-notify=127.0.0.1:" + tern.port(), "only-notify=", "xfr-cycle-interval=1"));
            Path zoneFile = pdnsDir.resolve("example.org.zone");
            Files.writeString(zoneFile, ZONE_FILE);
            PowerDnsServer.pdnsutil(pdnsDir, "load-zone", "example.org", zoneFile.toString());
            PowerDnsServer.pdnsutil(pdnsDir, "set-kind", "example.org", "primary");
            PowerDnsServer.pdnsutil(pdnsDir, "import-tsig-key", "ns2-xfr", "hmac-sha256", words[2]);
            PowerDnsServer.pdnsutil(pdnsDir, "activate-tsig-key", "example.org", "ns2-xfr", "primary");
            try (PowerDnsServer pdns = PowerDnsServer.start(pdnsDir, "example.org.", pdnsPort)) {
                // Step 3: the zone on the secondary, signed with the key, and its first transfer.
                Run created = ternctl(ternConf, "zone", "create-secondary", "example.org", "127.0.0.1:" + pdnsPort);
                assertThat(created.code()).as(created.out()).isZero();
                Run tsig = ternctl(ternConf, "zone", "set-tsig", "example.org", "ns2-xfr");
                assertThat(tsig.code()).as(tsig.out()).isZero();
                Run retrieve = ternctl(ternConf, "retrieve", "example.org");
                System.out.println("ternctl retrieve example.org:\n" + retrieve.out());
                assertThat(retrieve.code()).as(retrieve.out()).isZero();
                // ternctl's reload after create-secondary may have started the first refresh already.
                assertThat(retrieve.out()).containsPattern("(AXFR-in from 127.0.0.1:" + pdnsPort + ": finished, serial"
                        + " none -> 2026120201|up to date, serial 2026120201)");

                // Step 4: the check.
                Run status = ternctl(ternConf, "zone-status", "example.org");
                System.out.println("ternctl zone-status example.org:\n" + status.out());
                assertThat(status.code()).isZero();
                assertThat(status.out()).contains("served serial: 2026120201", "stored serial: 2026120201",
                        "primaries: 127.0.0.1:" + pdnsPort, "last error: none");
                assertThat(Answers.answer(tern.port(), "www.example.org.", Type.A)).containsExactly("127.0.0.80");

                // Step 5: a change on the primary arrives by NOTIFY (the SOA refresh is an hour away).
                PowerDnsServer.pdnsutil(pdnsDir, "replace-rrset", "example.org", "www", "A", "300", "127.0.0.81");
                PowerDnsServer.pdnsutil(pdnsDir, "increase-serial", "example.org");
                awaitAnswer(tern.port(), "www.example.org.", "127.0.0.81", Duration.ofSeconds(30));
                assertThat(tern.metrics().registry().counter("tern.notify.in", "result", "accepted").count())
                        .isGreaterThanOrEqualTo(1);
            }
        }
    }

    private static Run ternctl(Path config, String... args) {
        StringWriter out = new StringWriter();
        String[] all = new String[args.length + 2];
        all[0] = "--config";
        all[1] = config.toString();
        System.arraycopy(args, 0, all, 2, args.length);
        int code = TernCtlMain.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(out)).execute(all);
        return new Run(code, out.toString());
    }

    private static void awaitAnswer(int port, String name, String expected, Duration limit) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        List<String> last = List.of();
        while (System.nanoTime() < deadline) {
            last = Answers.answer(port, name, Type.A);
            if (last.equals(List.of(expected))) {
                return;
            }
            Thread.sleep(200);
        }
        fail(name + " did not become " + expected + " within " + limit + "; last answer: " + last);
    }
}
