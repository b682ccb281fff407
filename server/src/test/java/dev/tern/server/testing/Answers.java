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
}
