package dev.tern.server.query;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import dev.tern.server.Version;
import dev.tern.server.testing.Peers;
import dev.tern.server.testing.TernProcess;

/**
 * The identity answers of a real ternd on 127.0.0.1, asked with dig over UDP and TCP: one ternd with the default
 * settings (full version, host name), one with {@code version-string=anonymous} and {@code server-id=disabled}.
 */
class ServerIdentityDigTest {
    private static final String ZONE = String.join("\n",
            "$TTL 3600",
            "@ SOA ns1 hostmaster 2024010101 7200 3600 1209600 300",
            "@ NS ns1",
            "ns1 A 127.0.0.1",
            "www A 192.0.2.1");
    private static final List<String> TRANSPORTS = List.of("+notcp", "+tcp");

    @TempDir
    static Path openDir;
    @TempDir
    static Path hiddenDir;
    private static TernProcess open;
    private static TernProcess hidden;

    @BeforeAll
    static void start() throws Exception {
        open = TernProcess.start(openDir, List.of(), "example.com.", ZONE);
        hidden = TernProcess.start(hiddenDir, List.of("version-string=anonymous", "server-id=disabled"),
                "example.com.", ZONE);
    }

    @AfterAll
    static void stop() {
        if (open != null) {
            open.close();
        }
        if (hidden != null) {
            hidden.close();
        }
    }

    @Test
    void versionBindAnswersTernAndItsVersion() throws Exception {
        for (String transport : TRANSPORTS) {
            for (String qname : List.of("version.bind", "version.server")) {
                String output = dig(open, transport, qname, "CH", "TXT");
                assertThat(output).contains("status: NOERROR").contains("flags: qr aa;")
                        .containsPattern(Pattern.quote(qname) + "\\.\\s+5\\s+CH\\s+TXT\\s+\"Tern "
                                + Pattern.quote(Version.string()) + "\"");
            }
        }
    }

    @Test
    void idServerAndHostnameBindAnswerTheHostName() throws Exception {
        for (String transport : TRANSPORTS) {
            for (String qname : List.of("id.server", "hostname.bind")) {
                String output = dig(open, transport, qname, "CH", "TXT");
                assertThat(output).contains("status: NOERROR").contains("flags: qr aa;")
                        .containsPattern(Pattern.quote(qname) + "\\.\\s+5\\s+CH\\s+TXT\\s+\""
                                + Pattern.quote(ServerIdentity.hostName()) + "\"");
            }
        }
    }

    @Test
    void nsidCarriesTheHostName() throws Exception {
        for (String transport : TRANSPORTS) {
            String output = dig(open, transport, "+nsid", "www.example.com", "A");
            assertThat(output).contains("status: NOERROR")
                    .containsPattern("; NSID: [0-9a-f ]+\\(\"" + Pattern.quote(ServerIdentity.hostName()) + "\"\\)")
                    .containsPattern("www\\.example\\.com\\.\\s+3600\\s+IN\\s+A\\s+192\\.0\\.2\\.1");
            assertThat(dig(open, transport, "www.example.com", "A")).doesNotContain("NSID");
        }
    }

    @Test
    void turnedOffTheVersionIsServfailAndTheIdRefusedWithoutNsid() throws Exception {
        for (String transport : TRANSPORTS) {
            assertThat(dig(hidden, transport, "version.bind", "CH", "TXT")).contains("status: SERVFAIL")
                    .contains("ANSWER: 0,");
            for (String qname : List.of("id.server", "hostname.bind")) {
                assertThat(dig(hidden, transport, qname, "CH", "TXT")).contains("status: REFUSED")
                        .contains("ANSWER: 0,");
            }
            String output = dig(hidden, transport, "+nsid", "www.example.com", "A");
            assertThat(output).contains("status: NOERROR").doesNotContain("NSID");
        }
    }

    @Test
    void otherChaosQuestionsAreRefused() throws Exception {
        for (String transport : TRANSPORTS) {
            assertThat(dig(open, transport, "authors.bind", "CH", "TXT")).contains("status: REFUSED");
            assertThat(dig(open, transport, "version.bind", "CH", "A")).contains("status: REFUSED");
        }
    }

    @Test
    void anUnknownOpcodeGetsNotimpWithoutRdOrCd() throws Exception {
        for (String transport : TRANSPORTS) {
            String output = dig(open, transport, "+opcode=15", "+rec", "+cdflag", "www.example.com", "A");
            assertThat(output).contains("opcode: RESERVED15, status: NOTIMP").contains("flags: qr;");
        }
        // The same with dnsjava, straight from the wire.
        Message query = Message.newQuery(Record.newRecord(Name.fromString("www.example.com."), Type.A, DClass.IN));
        query.getHeader().setOpcode(15);
        query.getHeader().setFlag(Flags.CD);
        Message response = new Message(udpExchange(open.port(), query.toWire()));
        assertThat(response.getRcode()).isEqualTo(Rcode.NOTIMP);
        assertThat(response.getHeader().getFlag(Flags.RD)).isFalse();
        assertThat(response.getHeader().getFlag(Flags.CD)).isFalse();
        // A QUERY keeps both.
        assertThat(dig(open, "+notcp", "+rec", "+cdflag", "www.example.com", "A")).contains("flags: qr aa rd cd;");
    }

    private static String dig(TernProcess tern, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Peers.require("dig", "bind9-dnsutils"), "@127.0.0.1", "-p",
                String.valueOf(tern.port()), "+norec", "+tries=1", "+time=3"));
        command.addAll(Arrays.asList(args));
        Peers.Result result = Peers.run(20, command.toArray(String[]::new));
        assertThat(result.exitCode()).as(String.join(" ", command) + "\n" + result.output()).isZero();
        return result.output();
    }

    private static byte[] udpExchange(int port, byte[] query) throws Exception {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(3000);
            socket.send(new DatagramPacket(query, query.length,
                    new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port)));
            DatagramPacket packet = new DatagramPacket(new byte[65535], 65535);
            socket.receive(packet);
            return Arrays.copyOf(packet.getData(), packet.getLength());
        }
    }
}
