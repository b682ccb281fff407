package dev.tern.server.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import dev.tern.server.testing.Peers;
import dev.tern.server.testing.TernProcess;
import dev.tern.server.testing.ProcessLog;

/**
 * A wildcard local-address: UDP answers leave from the address the query went to, on a host with several
 * addresses, and addresses that appear later are answered on. The host is a network namespace of the test's own,
 * with addresses from 198.18.0.0/15; no packet leaves it.
 */
class WildcardAddressTest {
    @TempDir
    Path dir;

    @Test
    void theWildcardAnswersOnLoopbackOverUdpAndTcp() throws Exception {
        try (TernProcess tern = TernProcess.start(dir, List.of("local-address=0.0.0.0"), "w.test.",
                "@ SOA ns hm 1 3600 600 86400 60\n@ NS ns\nns A 127.0.0.1\n")) {
            for (boolean tcp : new boolean[] {false, true}) {
                SimpleResolver resolver = new SimpleResolver("127.0.0.1");
                resolver.setPort(tern.port());
                resolver.setTCP(tcp);
                resolver.setTimeout(Duration.ofSeconds(2));
                Message answer = resolver.send(Message.newQuery(Record.newRecord(Name.fromString("ns.w.test."),
                        Type.A, DClass.IN)));
                assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
            }
        }
    }

    @Test
    void udpAnswersComeFromTheAddressAskedAlsoForAddressesAddedLater() throws Exception {
        String ip = Peers.require("ip", "iproute2");
        String dig = Peers.require("dig", "bind9-dnsutils");
        if (!"0".equals(Peers.run(5, "id", "-u").output().trim())) {
            fail("network namespaces need root: run the tests as root (CI does)");
        }
        String ns = "tern-addr-" + ProcessHandle.current().pid();
        Process ternd = null;
        Path log = dir.resolve("ternd.log");
        try {
            run(ip, "netns", "add", ns);
            run(ip, "-n", ns, "link", "set", "lo", "up");
            // A veth pair with both ends in the namespace: an interface with addresses, like a VPS's.
            run(ip, "-n", ns, "link", "add", "d0", "type", "veth", "peer", "name", "d1");
            run(ip, "-n", ns, "link", "set", "d0", "up");
            run(ip, "-n", ns, "link", "set", "d1", "up");
            run(ip, "-n", ns, "addr", "add", "198.18.0.1/24", "dev", "d0");
            run(ip, "-n", ns, "addr", "add", "198.18.0.2/24", "dev", "d0");
            String java = ProcessHandle.current().info().command().orElse("java");
            ternd = new ProcessBuilder(ip, "netns", "exec", ns, java, "-cp", System.getProperty("java.class.path"),
                    "dev.tern.server.Main", "--demo", "--local-address=0.0.0.0", "--local-port=5300",
                    "--gsqlite3-database=" + dir.resolve("tern.sqlite3"), "--socket-dir=" + dir,
                    "--sql-poll-interval=0", "--receiver-threads=1")
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            ProcessLog.await(log, "started", ternd);

            for (String address : List.of("198.18.0.1", "198.18.0.2")) {
                // dig drops an answer from another source address than the one it asked.
                Peers.Result result = Peers.run(20, ip, "netns", "exec", ns, dig, "@" + address, "-b", "198.18.0.1",
                        "-p", "5300", "+tries=1", "+time=2", "example.com", "SOA");
                assertThat(result.output()).as(address).contains("status: NOERROR")
                        .doesNotContain("reply from unexpected source");
            }

            run(ip, "-n", ns, "addr", "add", "198.18.0.3/24", "dev", "d0");
            ProcessLog.await(log, "listening on 198.18.0.3 port 5300 (UDP x1, an address that appeared)", ternd);
            Peers.Result added = Peers.run(20, ip, "netns", "exec", ns, dig, "@198.18.0.3", "-p", "5300",
                    "+tries=1", "+time=2", "example.com", "SOA");
            assertThat(added.output()).contains("status: NOERROR");

            run(ip, "-n", ns, "addr", "del", "198.18.0.3/24", "dev", "d0");
            ProcessLog.await(log, "no longer listening on 198.18.0.3 port 5300 (UDP): the address went away", ternd);
        } finally {
            if (ternd != null) {
                ternd.destroy();
                if (!ternd.waitFor(10, TimeUnit.SECONDS)) {
                    ternd.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
            Peers.run(10, ip, "netns", "del", ns);
        }
    }

    private static void run(String... command) throws Exception {
        Peers.Result result = Peers.run(20, command);
        if (result.exitCode() != 0) {
            fail(String.join(" ", command) + " failed: " + result.output());
        }
    }
}
