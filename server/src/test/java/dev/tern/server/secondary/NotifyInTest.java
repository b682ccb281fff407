package dev.tern.server.secondary;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;
import dev.tern.config.ConfigLoader;
import dev.tern.server.Server;
import dev.tern.server.store.JdbcZoneStore;
import dev.tern.server.testing.ScriptedPrimary;
import dev.tern.server.zone.ZoneKind;

/** NOTIFY-in (RFC 1996) over real UDP: who is accepted, what is answered, and that a refresh follows. */
class NotifyInTest {
    private static final Name ZONE = Name.fromConstantString("notify.test.");

    static String zone(long serial) {
        return "$ORIGIN notify.test.\n$TTL 300\n@ SOA ns1 hostmaster " + serial + " 3600 600 86400 60\n@ NS ns1\n"
                + "ns1 A 127.0.0.1\n";
    }

    private Server start(Path dir, int primaryPort, String... settings) throws Exception {
        Path database = dir.resolve("tern.sqlite3");
        try (JdbcZoneStore store = JdbcZoneStore.openSqlite(database, 5000, 3600)) {
            store.createZone(ZONE, ZoneKind.SECONDARY, "127.0.0.1:" + primaryPort);
        }
        List<String> all = new ArrayList<>(List.of("local-address=127.0.0.1", "local-port=0",
                "gsqlite3-database=" + database, "sql-poll-interval=0", "socket-dir=" + dir));
        all.addAll(List.of(settings));
        return new Server(new ConfigLoader().load(all)).start(false);
    }

    static Message notify(String zone, String from, int port, TSIG key) throws Exception {
        Message notify = Message.newQuery(Record.newRecord(Name.fromString(zone), Type.SOA, DClass.IN));
        notify.getHeader().setOpcode(Opcode.NOTIFY);
        notify.getHeader().unsetFlag(Flags.RD);
        notify.getHeader().setFlag(Flags.AA);
        if (key != null) {
            key.apply(notify, null);
        }
        byte[] wire = notify.toWire();
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByName(from), 0))) {
            socket.setSoTimeout(3000);
            socket.send(new DatagramPacket(wire, wire.length, new InetSocketAddress("127.0.0.1", port)));
            DatagramPacket packet = new DatagramPacket(new byte[512], 512);
            socket.receive(packet);
            return new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
        }
    }

    static long awaitSerial(Server tern, long serial) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            var zone = tern.zones().table().get(ZONE);
            if (zone != null && zone.snapshot() != null && zone.snapshot().serial() == serial) {
                return serial;
            }
            Thread.sleep(50);
        }
        var zone = tern.zones().table().get(ZONE);
        return zone == null || zone.snapshot() == null ? -1 : zone.snapshot().serial();
    }

    @Test
    void aNotifyFromThePrimaryIsAnsweredAtOnceAndTriggersARefresh(@TempDir Path dir) throws Exception {
        try (ScriptedPrimary primary = ScriptedPrimary.start("notify.test.", zone(1));
             Server tern = start(dir, primary.port(), "secondary=yes")) {
            assertThat(awaitSerial(tern, 1)).isEqualTo(1);
            primary.setZone("notify.test.", zone(2));
            Message answer = notify("notify.test.", "127.0.0.1", tern.port(), null);
            assertThat(answer.getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(answer.getHeader().getOpcode()).isEqualTo(Opcode.NOTIFY);
            assertThat(answer.getHeader().getFlag(Flags.AA)).isTrue();
            assertThat(answer.getQuestion().getName()).isEqualTo(ZONE);
            assertThat(awaitSerial(tern, 2)).isEqualTo(2);

            assertThat(notify("other.test.", "127.0.0.1", tern.port(), null).getRcode()).isEqualTo(Rcode.REFUSED);
            // 127.0.0.2 is not the primary's address.
            assertThat(notify("notify.test.", "127.0.0.2", tern.port(), null).getRcode()).isEqualTo(Rcode.REFUSED);
            TSIG unknown = new TSIG(TSIG.HMAC_SHA256, Name.fromString("nokey."), "c2VjcmV0c2VjcmV0");
            Message badKey = notify("notify.test.", "127.0.0.1", tern.port(), unknown);
            assertThat(badKey.getRcode()).isEqualTo(Rcode.NOTAUTH);
            // RFC 8945 5.2.1: the answer says why, in a TSIG record with the key's name and no MAC.
            assertThat(badKey.getTSIG()).isNotNull();
            assertThat(badKey.getTSIG().getName()).isEqualTo(Name.fromString("nokey."));
            assertThat(badKey.getTSIG().getError()).isEqualTo(Rcode.BADKEY);
            assertThat(badKey.getTSIG().getSignature()).isEmpty();

            var registry = tern.metrics().registry();
            assertThat(registry.get("tern.notify.in").tag("result", "accepted").counter().count()).isEqualTo(1);
            assertThat(registry.get("tern.notify.in").tag("result", "refused").counter().count()).isEqualTo(2);
            assertThat(registry.get("tern.notify.in").tag("result", "notauth").counter().count()).isEqualTo(1);
            assertThat(registry.get("tern.refresh").tag("result", "transferred").counter().count()).isEqualTo(2);
            assertThat(registry.get("tern.xfr.bytes").tag("direction", "in").summary().count()).isEqualTo(2);
        }
    }

    @Test
    void allowNotifyFromAcceptsOtherAddresses(@TempDir Path dir) throws Exception {
        try (ScriptedPrimary primary = ScriptedPrimary.start("notify.test.", zone(1));
             Server tern = start(dir, primary.port(), "secondary=yes", "allow-notify-from=127.0.0.2/32")) {
            assertThat(awaitSerial(tern, 1)).isEqualTo(1);
            primary.setZone("notify.test.", zone(5));
            assertThat(notify("notify.test.", "127.0.0.2", tern.port(), null).getRcode()).isEqualTo(Rcode.NOERROR);
            assertThat(awaitSerial(tern, 5)).isEqualTo(5);
            assertThat(notify("notify.test.", "127.0.0.3", tern.port(), null).getRcode()).isEqualTo(Rcode.REFUSED);
        }
    }

    @Test
    void withSecondaryNoANotifyIsRefusedAndNothingIsQueued(@TempDir Path dir) throws Exception {
        try (ScriptedPrimary primary = ScriptedPrimary.start("notify.test.", zone(1));
             Server tern = start(dir, primary.port(), "secondary=no")) {
            assertThat(notify("notify.test.", "127.0.0.1", tern.port(), null).getRcode()).isEqualTo(Rcode.REFUSED);
            assertThat(tern.secondaries()).isNull();
            assertThat(tern.zones().table().get(ZONE).snapshot()).isNull();
        }
    }
}
