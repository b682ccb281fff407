package dev.tern.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;
import dev.tern.server.testing.Answers;
import dev.tern.server.testing.PowerDnsServer;
import dev.tern.server.testing.TernProcess;

/**
 * {@code ternctl zone ...} edits the database without a daemon, and with one running makes it serve the change at
 * once; a zone it loads is answered alike by ternd and by pdns_server on the same database.
 */
class ZoneCommandTest {
    static final String ZONE = """
            $ORIGIN shop.test.
            $TTL 3600
            @        IN SOA ns1 hostmaster ( 2026112501 7200 900 1209600 300 )
                     IN NS  ns1
                     IN NS  ns2.elsewhere.test.
                     IN MX  10 mail
                     IN TXT "v=spf1 mx -all"
            ns1      IN A   127.0.0.1
            mail     IN A   127.0.0.25
                     IN AAAA ::25
            www      IN CNAME @
            @        IN A   127.0.0.80
            *.cdn    IN A   127.0.0.81
            _sip._tcp IN SRV 10 60 5060 sip
            sip      IN A   127.0.0.82
            eu       IN NS  ns.eu
            ns.eu    IN A   127.0.0.53
            deep.a.b IN TXT "an empty non-terminal or two above me"
            """;

    record Run(int code, String out, String err) {
    }

    static Run ternctl(Path database, Path socket, String... args) {
        List<String> all = new ArrayList<>(List.of("--socket", socket.toString(), "zone", "--database",
                database.toString()));
        all.addAll(List.of(args));
        return raw(all.toArray(String[]::new));
    }

    static Run tsig(Path database, Path socket, String... args) {
        List<String> all = new ArrayList<>(List.of("--socket", socket.toString(), "tsig", "--database",
                database.toString()));
        all.addAll(List.of(args));
        return raw(all.toArray(String[]::new));
    }

    static Run raw(String... all) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = TernCtlMain.commandLine().setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute(all);
        return new Run(code, out.toString().trim(), err.toString().trim());
    }

    @Test
    void generatesABashCompletionThatKnowsEveryCommand(@TempDir Path dir) throws Exception {
        Run completion = raw("generate-completion");
        assertThat(completion.code()).isZero();
        Path script = dir.resolve("ternctl.bash");
        Files.writeString(script, completion.out() + "\n");
        // bash parses it, and completing "ternctl zone " offers the zone commands.
        dev.tern.server.testing.Peers.Result words = dev.tern.server.testing.Peers.run(20, "bash", "-c",
                "source " + script + " && COMP_WORDS=(ternctl zone '') && COMP_CWORD=2 && COMP_LINE='ternctl zone '"
                        + " && COMP_POINT=${#COMP_LINE} && _complete_ternctl ternctl '' zone"
                        + " && printf '%s\\n' \"${COMPREPLY[@]}\"");
        assertThat(words.exitCode()).as(words.output()).isZero();
        assertThat(words.output().split("\n")).contains("load", "create-secondary", "set-tsig", "delete");
    }

    @Test
    void createsZonesAndManagesKeysAsPdnsutilDoes(@TempDir Path dir) throws Exception {
        Path database = dir.resolve("tern.sqlite3");
        PowerDnsServer.createDatabase(database);
        Path socket = dir.resolve("nobody.controlsocket");

        Run add = tsig(database, socket, "add", "k1", "hmac-sha256");
        assertThat(add.code()).as(add.err()).isZero();
        assertThat(add.out()).matches("k1 hmac-sha256 [A-Za-z0-9+/]{43}=");
        assertThat(tsig(database, socket, "add", "k1", "hmac-sha256").code()).isEqualTo(1);
        assertThat(tsig(database, socket, "add", "k2", "hmac-whatever").code()).isEqualTo(2);
        assertThat(tsig(database, socket, "list").out()).isEqualTo(add.out());

        Run create = ternctl(database, socket, "create", "new.test", "--ns", "ns1", "--ns", "ns2.other.test.",
                "--kind", "primary");
        assertThat(create.code()).as(create.err()).isZero();
        assertThat(ternctl(database, socket, "check", "new.test").out()).matches("new.test.: ok, serial \\d{8}01,"
                + " 3 records");
        assertThat(ternctl(database, socket, "show", "new.test").out()).containsPattern("new.test.\\s+3600\\s+IN\\s+NS\\s+"
                + "ns2.other.test.").contains("ns1.new.test. hostmaster.new.test.");
        assertThat(ternctl(database, socket, "create-secondary", "s.test", "127.0.0.1:5301").code()).isZero();
        assertThat(ternctl(database, socket, "set-primaries", "s.test", "127.0.0.1:5302", "127.0.0.2").code())
                .isZero();
        assertThat(ternctl(database, socket, "set-tsig", "s.test", "k1").out()).startsWith("s.test.: AXFR-MASTER-TSIG k1");
        assertThat(ternctl(database, socket, "set-tsig", "new.test", "k1").out())
                .startsWith("new.test.: TSIG-ALLOW-AXFR k1");
        assertThat(ternctl(database, socket, "set-tsig", "new.test", "nokey").code()).isEqualTo(1);
        for (String command : List.of("show", "check", "delete")) {
            assertThat(ternctl(database, socket, command, "nosuch.test")).as(command)
                    .isEqualTo(new Run(1, "", "ternctl zone: nosuch.test. is not in the database"));
        }
        assertThat(ternctl(database, socket, "set-primaries", "nosuch.test", "127.0.0.1").err())
                .isEqualTo("ternctl zone: nosuch.test. is not in the database");
        assertThat(ternctl(database, socket, "list").out())
                .isEqualTo("new.test. MASTER\ns.test. SLAVE 127.0.0.1:5302, 127.0.0.2");

        assertThat(tsig(database, socket, "delete", "k1").code()).isZero();
        assertThat(tsig(database, socket, "delete", "k1").code()).isEqualTo(1);
        assertThat(tsig(database, socket, "list").out()).isEmpty();
    }

    @Test
    void provisionsWithoutTheDaemonAndServesLikePowerDns(@TempDir Path dir) throws Exception {
        Path database = dir.resolve("tern.sqlite3");
        PowerDnsServer.createDatabase(database);
        Path file = dir.resolve("shop.test.zone");
        Files.writeString(file, ZONE);
        Path socket = dir.resolve("nobody.controlsocket");

        Run load = ternctl(database, socket, "load", "shop.test", file.toString(), "--kind", "primary");
        assertThat(load.code()).as(load.err()).isZero();
        assertThat(load.out()).contains("loaded shop.test.: serial 2026112501, 16 records")
                .contains("ternd is not running");
        assertThat(ternctl(database, socket, "create-secondary", "sec.test", "127.0.0.1:5301", "[::1]:5302").code())
                .isZero();
        assertThat(ternctl(database, socket, "list").out())
                .isEqualTo("sec.test. SLAVE 127.0.0.1:5301, [::1]:5302\nshop.test. MASTER");
        assertThat(ternctl(database, socket, "show", "shop.test").out()).contains("_sip._tcp.shop.test.\t3600\tIN\tSRV"
                + "\t10 60 5060 sip.shop.test.");

        Path broken = dir.resolve("broken.zone");
        Files.writeString(broken, ZONE.replace("mail     IN A   127.0.0.25", "mail     IN A   127.0.0.999")
                .replace("2026112501", "2026112502"));
        Run bad = ternctl(database, socket, "load", "shop.test", broken.toString());
        assertThat(bad.code()).isEqualTo(1);
        assertThat(bad.err()).contains("broken.zone").contains("127.0.0.999");

        PowerDnsServer.configure(dir, database, List.of());
        try (TernProcess tern = TernProcess.open(dir, database, List.of());
             PowerDnsServer pdns = PowerDnsServer.start(dir, "shop.test.")) {
            for (String name : List.of("shop.test.", "www.shop.test.", "mail.shop.test.", "x.cdn.shop.test.",
                    "_sip._tcp.shop.test.", "a.b.shop.test.", "nothing.shop.test.", "host.eu.shop.test.")) {
                for (int type : new int[] {Type.SOA, Type.NS, Type.A, Type.AAAA, Type.MX, Type.TXT, Type.SRV}) {
                    assertThat(Answers.answer(tern.port(), name, type)).as(name + " " + Type.string(type))
                            .containsExactlyInAnyOrderElementsOf(Answers.answer(pdns.port(), name, type));
                    assertThat(Rcode.string(Answers.rcode(tern.port(), name, type))).as(name + " " + Type.string(type))
                            .isEqualTo(Rcode.string(Answers.rcode(pdns.port(), name, type)));
                }
            }
        }
    }

    @Test
    void withTheDaemonRunningAChangeIsServedAtOnce(@TempDir Path dir) throws Exception {
        try (TernProcess tern = TernProcess.start(dir, List.of("sql-poll-interval=0"), "shop.test.", ZONE)) {
            Path file = dir.resolve("shop.test.zone");
            Files.writeString(file, ZONE.replace("2026112501", "2026112502").replace("127.0.0.80", "127.0.0.90"));
            Run load = ternctl(tern.database(), tern.server().controlSocket(), "load", "shop.test", file.toString());
            assertThat(load.code()).as(load.err()).isZero();
            assertThat(load.out()).contains("ternd reloaded shop.test.");
            assertThat(Answers.answer(tern.port(), "shop.test.", Type.A)).containsExactly("127.0.0.90");

            Run delete = ternctl(tern.database(), tern.server().controlSocket(), "delete", "shop.test");
            assertThat(delete.code()).as(delete.err()).isZero();
            assertThat(Answers.rcode(tern.port(), "shop.test.", Type.SOA)).isEqualTo(Rcode.REFUSED);
            assertThat(ternctl(tern.database(), tern.server().controlSocket(), "list").out()).isEmpty();
        }
    }
}
