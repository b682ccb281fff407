package dev.tern.server.testing;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/**
 * A primary on 127.0.0.1 whose behaviour a test sets at any time: it answers SOA queries over UDP from the zone it
 * holds, and TCP transfers with a whole AXFR or with one of the failures seen in the field (silence, a stall,
 * garbage, an error rcode, a connection closed half way).
 */
public final class ScriptedPrimary implements AutoCloseable {
    /**
     * What the TCP side does with a transfer request. {@code STALL_ONCE} stalls the next transfer as {@code STALL}
     * does and then turns into {@code AXFR}: a path-MTU blackhole that a smaller MSS gets through. {@code IXFR}
     * answers an IXFR from the serial of the zone set before the current one with the difference (RFC 1995 4), any
     * other transfer as {@code AXFR} does. {@code ENDLESS} answers IXFR with NOTIMP and AXFR with the SOA and then
     * the same message of 400 TXT records of 100 bytes, again and again until the client closes: a zone without end.
     */
    public enum Behaviour { AXFR, SILENT, STALL, STALL_ONCE, GARBAGE, REFUSED, NOTAUTH, CLOSE_HALF_WAY, BAD_IXFR,
        IXFR, ENDLESS }

    private final DatagramSocket udp;
    private final ServerSocket tcp;
    private final AtomicReference<List<Record>> zone = new AtomicReference<>();
    /** The zone as it was before the last {@link #setZone}, for {@code IXFR}; null before. */
    private final AtomicReference<List<Record>> previous = new AtomicReference<>();
    private final AtomicReference<Behaviour> behaviour = new AtomicReference<>(Behaviour.AXFR);
    private final Thread udpThread;
    private final Thread tcpThread;
    private final AtomicLong endlessBytes = new AtomicLong();
    private volatile boolean closed;

    private ScriptedPrimary(DatagramSocket udp, ServerSocket tcp) {
        this.udp = udp;
        this.tcp = tcp;
        this.udpThread = daemon(this::serveUdp, "scripted-udp");
        this.tcpThread = daemon(this::serveTcp, "scripted-tcp");
    }

    /** Starts on a free port (the same for UDP and TCP) with this zone as master-file text. */
    public static ScriptedPrimary start(String origin, String zoneText) throws IOException {
        for (int attempt = 0; attempt < 20; attempt++) {
            ServerSocket tcp = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
            try {
                DatagramSocket udp = new DatagramSocket(new InetSocketAddress(InetAddress.getByName("127.0.0.1"),
                        tcp.getLocalPort()));
                ScriptedPrimary primary = new ScriptedPrimary(udp, tcp);
                primary.setZone(origin, zoneText);
                primary.udpThread.start();
                primary.tcpThread.start();
                return primary;
            } catch (IOException e) {
                tcp.close();
            }
        }
        throw new IOException("no port free for both UDP and TCP");
    }

    public int port() {
        return tcp.getLocalPort();
    }

    public void setZone(String origin, String zoneText) {
        previous.set(zone.getAndSet(TestZones.records(origin, zoneText)));
    }

    public void behave(Behaviour next) {
        behaviour.set(next);
    }

    /** The bytes sent so far by {@code ENDLESS} transfers. */
    public long endlessBytesSent() {
        return endlessBytes.get();
    }

    private SOARecord soa() {
        return soaOf(zone.get());
    }

    private static SOARecord soaOf(List<Record> records) {
        return (SOARecord) records.stream().filter(r -> r.getType() == Type.SOA).findFirst().orElseThrow();
    }

    private void serveUdp() {
        byte[] buffer = new byte[4096];
        while (!closed) {
            try {
                DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
                udp.receive(packet);
                Message query = new Message(java.util.Arrays.copyOf(packet.getData(), packet.getLength()));
                Message answer = answerTo(query);
                answer.addRecord(soa(), Section.ANSWER);
                byte[] wire = answer.toWire();
                udp.send(new DatagramPacket(wire, wire.length, packet.getSocketAddress()));
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void serveTcp() {
        while (!closed) {
            try {
                Socket socket = tcp.accept();
                daemon(() -> transfer(socket), "scripted-xfr").start();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
            }
        }
    }

    private void transfer(Socket socket) {
        try (socket) {
            DataInputStream in = new DataInputStream(socket.getInputStream());
            DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            byte[] wire = new byte[in.readUnsignedShort()];
            in.readFully(wire);
            Message query = new Message(wire);
            Behaviour now = behaviour.get();
            if (now == Behaviour.STALL_ONCE) {
                now = behaviour.compareAndSet(Behaviour.STALL_ONCE, Behaviour.AXFR) ? Behaviour.STALL : Behaviour.AXFR;
            }
            switch (now) {
                case SILENT:
                    Thread.sleep(30_000);
                    return;
                case STALL:
                    out.writeShort(8000);
                    out.write(new byte[3000]);
                    out.flush();
                    Thread.sleep(30_000);
                    return;
                case GARBAGE:
                    out.writeShort(40);
                    out.write(new byte[40]);
                    out.flush();
                    return;
                case REFUSED: case NOTAUTH: {
                    Message answer = answerTo(query);
                    answer.getHeader().setRcode(now == Behaviour.REFUSED ? 5 : 9);
                    write(out, answer);
                    return;
                }
                default:
                    break;
            }
            if (now == Behaviour.ENDLESS && query.getQuestion().getType() != Type.SOA) {
                endless(query, new DataOutputStream(new java.io.BufferedOutputStream(out, 1 << 16)));
                return;
            }
            if (now == Behaviour.BAD_IXFR && query.getQuestion().getType() == Type.IXFR) {
                // A change that removes a record the secondary never had: an inconsistent journal.
                Message answer = answerTo(query);
                answer.addRecord(soa(), Section.ANSWER);
                answer.addRecord(query.getSection(Section.AUTHORITY).get(0), Section.ANSWER);
                answer.addRecord(Record.fromString(soa().getName(), Type.TXT, org.xbill.DNS.DClass.IN, 300,
                        "\"never there\"", soa().getName()), Section.ANSWER);
                answer.addRecord(soa(), Section.ANSWER);
                answer.addRecord(soa(), Section.ANSWER);
                write(out, answer);
                return;
            }
            List<Record> old = previous.get();
            if (now == Behaviour.IXFR && query.getQuestion().getType() == Type.IXFR && old != null
                    && ((SOARecord) query.getSection(Section.AUTHORITY).get(0)).getSerial() == soaOf(old).getSerial()) {
                // RFC 1995 4: new SOA, old SOA, removed records, new SOA, added records, new SOA.
                Message answer = answerTo(query);
                answer.addRecord(soa(), Section.ANSWER);
                answer.addRecord(soaOf(old), Section.ANSWER);
                old.stream().filter(r -> r.getType() != Type.SOA && !zone.get().contains(r))
                        .forEach(r -> answer.addRecord(r, Section.ANSWER));
                answer.addRecord(soa(), Section.ANSWER);
                zone.get().stream().filter(r -> r.getType() != Type.SOA && !old.contains(r))
                        .forEach(r -> answer.addRecord(r, Section.ANSWER));
                answer.addRecord(soa(), Section.ANSWER);
                write(out, answer);
                return;
            }
            if (query.getQuestion().getType() == Type.SOA) {
                Message answer = answerTo(query);
                answer.addRecord(soa(), Section.ANSWER);
                write(out, answer);
                return;
            }
            Message answer = answerTo(query);
            answer.addRecord(soa(), Section.ANSWER);
            for (Record record : zone.get()) {
                if (record.getType() != Type.SOA) {
                    answer.addRecord(record, Section.ANSWER);
                }
            }
            answer.addRecord(soa(), Section.ANSWER);
            byte[] bytes = answer.toWire();
            if (now == Behaviour.CLOSE_HALF_WAY) {
                out.writeShort(bytes.length);
                out.write(bytes, 0, bytes.length / 2);
                out.flush();
                return;
            }
            out.writeShort(bytes.length);
            out.write(bytes);
            out.flush();
            in.read();
        } catch (IOException | InterruptedException e) {
            // The client went away, or the test is over.
        }
    }

    private void endless(Message query, DataOutputStream out) throws IOException {
        if (query.getQuestion().getType() == Type.IXFR) {
            // A secondary that holds a serial asks IXFR first; NOTIMP makes it fall back to AXFR.
            Message notimp = answerTo(query);
            notimp.getHeader().setRcode(org.xbill.DNS.Rcode.NOTIMP);
            write(out, notimp);
            return;
        }
        Message first = answerTo(query);
        first.addRecord(soa(), Section.ANSWER);
        endlessBytes.addAndGet(2 + first.toWire().length);
        write(out, first);
        Message more = answerTo(query);
        // Small records, as most zones have: held as dnsjava Records they take a few times their wire size.
        String text = "\"" + "x".repeat(100) + "\"";
        for (int i = 0; i < 400; i++) {
            more.addRecord(Record.fromString(new org.xbill.DNS.Name("t" + i, soa().getName()), Type.TXT,
                    org.xbill.DNS.DClass.IN, 300, text, soa().getName()), Section.ANSWER);
        }
        byte[] message = more.toWire();
        while (!closed) {
            out.writeShort(message.length);
            out.write(message);
            out.flush();
            endlessBytes.addAndGet(2 + message.length);
        }
    }

    private static Message answerTo(Message query) {
        Message answer = new Message(query.getHeader().getID());
        answer.getHeader().setFlag(Flags.QR);
        answer.getHeader().setFlag(Flags.AA);
        answer.addRecord(query.getQuestion(), Section.QUESTION);
        return answer;
    }

    private static void write(DataOutputStream out, Message message) throws IOException {
        byte[] bytes = message.toWire();
        out.writeShort(bytes.length);
        out.write(bytes);
        out.flush();
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    @Override
    public void close() throws IOException {
        closed = true;
        udp.close();
        tcp.close();
    }
}
