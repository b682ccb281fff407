package dev.tern.server.transport;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import dev.tern.server.testing.Peers;
import dev.tern.server.testing.TernProcess;

/** ternd over real sockets on 127.0.0.1 and ::1, UDP and TCP, queried with dnsjava and dig. */
class ListenerTest {
    private static final StringBuilder BIG = new StringBuilder();
    private static TernProcess tern;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        for (int i = 0; i < 40; i++) {
            BIG.append("big TXT \"").append("x".repeat(60)).append(i).append("\"\n");
        }
        tern = TernProcess.start(dir, List.of(), "example.com.", String.join("\n",
                "$TTL 3600",
                "@ SOA ns1 hostmaster 2024010101 7200 3600 1209600 300",
                "@ NS ns1",
                "ns1 A 127.0.0.1",
                "www A 192.0.2.1",
                "MiXeD A 192.0.2.7",
                BIG.toString()));
    }

    @AfterAll
    static void stop() {
        tern.close();
    }

    private static Message ask(String server, String qname, int type, boolean tcp) throws Exception {
        SimpleResolver resolver = new SimpleResolver(server);
        resolver.setPort(tern.port());
        resolver.setTCP(tcp);
        resolver.setIgnoreTruncation(true);
        resolver.setTimeout(Duration.ofSeconds(3));
        return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(qname), type, DClass.IN)));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"127.0.0.1 udp", "127.0.0.1 tcp", "::1 udp", "::1 tcp"})
    void answersOnEveryAddressAndTransport(String how) throws Exception {
        String[] parts = how.split(" ");
        Message response = ask(parts[0], "www.example.com.", Type.A, parts[1].equals("tcp"));
        assertThat(response.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(response.getHeader().getFlag(Flags.AA)).isTrue();
        assertThat(response.getSection(Section.ANSWER)).extracting(Record::rdataToString).containsExactly("192.0.2.1");
    }

    @Test
    void digGetsTheSameAnswerOverUdpAndTcp() throws Exception {
        String dig = Peers.require("dig", "bind9-dnsutils");
        for (String transport : List.of("+notcp", "+tcp")) {
            Peers.Result result = Peers.run(20, dig, "@127.0.0.1", "-p", String.valueOf(tern.port()), transport,
                    "+norec", "+tries=1", "+time=3", "www.example.com", "A");
            assertThat(result.output()).contains("status: NOERROR").contains("flags: qr aa;")
                    .containsPattern("www\\.example\\.com\\.\\s+3600\\s+IN\\s+A\\s+192\\.0\\.2\\.1");
        }
    }

    @Test
    void aLargeAnswerIsTruncatedOverUdpAndWholeOverTcp() throws Exception {
        Message udp = ask("127.0.0.1", "big.example.com.", Type.TXT, false);
        assertThat(udp.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(udp.getSection(Section.ANSWER)).isEmpty();
        Message tcp = ask("127.0.0.1", "big.example.com.", Type.TXT, true);
        assertThat(tcp.getHeader().getFlag(Flags.TC)).isFalse();
        assertThat(tcp.getSection(Section.ANSWER)).hasSize(40);
    }

    @Test
    void theUdpLimitIsTheSmallerOfTheClientsEdnsSizeAndTheThreshold() throws Exception {
        // 40 TXT records of ~70 bytes: ~3 KB, over 1232 even when the client offers 4096.
        byte[] query = queryWithEdns("big.example.com.", Type.TXT, 4096, 0);
        Message response = new Message(udpExchange(query));
        assertThat(response.getHeader().getFlag(Flags.TC)).isTrue();
        assertThat(response.getOPT().getPayloadSize()).isEqualTo(1232);
        // Without EDNS the limit is 512.
        Message small = new Message(udpExchange(Message.newQuery(Record.newRecord(Name.fromString("www.example.com."),
                Type.A, DClass.IN)).toWire()));
        assertThat(small.getOPT()).isNull();
        assertThat(small.getSection(Section.ANSWER)).hasSize(1);
    }

    @Test
    void theQnameCaseIsKeptInTheAnswer() throws Exception {
        byte[] response = udpExchange(Message.newQuery(Record.newRecord(Name.fromString("wWw.ExAmPlE.cOm."), Type.A,
                DClass.IN)).toWire());
        Message message = new Message(response);
        assertThat(message.getQuestion().getName().toString()).isEqualTo("wWw.ExAmPlE.cOm.");
        assertThat(message.getSection(Section.ANSWER).get(0).getName().toString()).isEqualTo("wWw.ExAmPlE.cOm.");
    }

    @Test
    void anEdnsVersionAboveZeroGetsBadvers() throws Exception {
        Message response = new Message(udpExchange(queryWithEdns("www.example.com.", Type.A, 1232, 1)));
        assertThat(response.getRcode()).isEqualTo(Rcode.BADVERS);
        assertThat(response.getOPT().getVersion()).isZero();
    }

    @Test
    void malformedQueriesGetFormerrAndGarbageGetsNothing() throws Exception {
        // A header claiming one question, then nothing: FORMERR with the same id.
        byte[] header = {0x12, 0x34, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
        Message response = new Message(udpExchange(header));
        assertThat(response.getHeader().getID()).isEqualTo(0x1234);
        assertThat(response.getRcode()).isEqualTo(Rcode.FORMERR);
        // Shorter than a header: silence.
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(500);
            socket.send(new DatagramPacket(new byte[] {1, 2, 3}, 3,
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), tern.port())));
            DatagramPacket packet = new DatagramPacket(new byte[512], 512);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> socket.receive(packet))
                    .isInstanceOf(java.net.SocketTimeoutException.class);
        }
        // An unknown opcode: NOTIMP.
        Message update = Message.newQuery(Record.newRecord(Name.fromString("example.com."), Type.SOA, DClass.IN));
        update.getHeader().setOpcode(3);
        assertThat(new Message(udpExchange(update.toWire())).getRcode()).isEqualTo(Rcode.NOTIMP);
    }

    @Test
    void severalQueriesOnOneTcpConnectionAreAnsweredInOrder() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", tern.port())) {
            socket.setSoTimeout(3000);
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            String[] names = {"www.example.com.", "ns1.example.com.", "nx.example.com."};
            for (String name : names) {
                byte[] wire = Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN)).toWire();
                out.writeShort(wire.length);
                out.write(wire);
            }
            out.flush();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            for (String name : names) {
                byte[] wire = new byte[in.readUnsignedShort()];
                in.readFully(wire);
                assertThat(new Message(wire).getQuestion().getName().toString()).isEqualTo(name);
            }
        }
    }

    private static byte[] queryWithEdns(String qname, int type, int payload, int version) throws Exception {
        Message query = Message.newQuery(Record.newRecord(Name.fromString(qname), type, DClass.IN));
        query.addRecord(new OPTRecord(payload, 0, version, 0), Section.ADDITIONAL);
        return query.toWire();
    }

    private static byte[] udpExchange(byte[] query) throws Exception {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.setSoTimeout(3000);
            socket.send(new DatagramPacket(query, query.length,
                    new InetSocketAddress(InetAddress.getByName("127.0.0.1"), tern.port())));
            DatagramPacket packet = new DatagramPacket(new byte[65535], 65535);
            socket.receive(packet);
            return java.util.Arrays.copyOf(packet.getData(), packet.getLength());
        }
    }
}
