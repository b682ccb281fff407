package dev.tern.server.testing;

import java.time.Duration;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;

/** Asks a server on 127.0.0.1 over TCP, for comparing two servers' answers. */
public final class Answers {
    private Answers() {
    }

    /** The answer section's rdata in presentation format. */
    public static List<String> answer(int port, String name, int type) throws Exception {
        return query(port, name, type).getSection(Section.ANSWER).stream().map(Record::rdataToString).toList();
    }

    public static int rcode(int port, String name, int type) throws Exception {
        return query(port, name, type).getRcode();
    }

    public static Message query(int port, String name, int type) throws Exception {
        SimpleResolver resolver = new SimpleResolver("127.0.0.1");
        resolver.setPort(port);
        resolver.setTimeout(Duration.ofSeconds(2));
        resolver.setTCP(true);
        return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    /** What a peer can tell about itself when it fails to serve a serial in time. */
    public interface Diagnosis {
        String log() throws Exception;
    }

    /**
     * Polls the zone's SOA over UDP (bounded by {@code limit}) until the server on {@code port} serves
     * {@code serial}; fails with the peer's log, early when its process exits.
     *
     * @param process the peer's process, or null for one in this JVM
     */
    public static void awaitSerial(int port, String zone, long serial, Duration limit, Process process, String who,
                                   Diagnosis diagnosis) throws Exception {
        long deadline = System.nanoTime() + limit.toNanos();
        SimpleResolver resolver = new SimpleResolver("127.0.0.1");
        resolver.setPort(port);
        resolver.setTimeout(Duration.ofMillis(500));
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (process != null && !process.isAlive()) {
                org.assertj.core.api.Assertions.fail(who + " exited: " + diagnosis.log());
            }
            try {
                Message answer = resolver.send(Message.newQuery(Record.newRecord(Name.fromString(zone),
                        org.xbill.DNS.Type.SOA, DClass.IN)));
                if (!answer.getSection(Section.ANSWER).isEmpty()
                        && answer.getSection(Section.ANSWER).get(0) instanceof org.xbill.DNS.SOARecord soa) {
                    if (soa.getSerial() == serial) {
                        return;
                    }
                    last = "serial " + soa.getSerial();
                } else {
                    last = "rcode " + org.xbill.DNS.Rcode.string(answer.getRcode());
                }
            } catch (java.io.IOException e) {
                last = e.toString();
            }
            Thread.sleep(100);
        }
        org.assertj.core.api.Assertions.fail(who + " did not serve serial " + serial + " of " + zone + " within "
                + limit + " (" + last + "): " + diagnosis.log());
    }
}
