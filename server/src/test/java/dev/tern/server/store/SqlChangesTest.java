package dev.tern.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import dev.tern.server.events.ZoneLoader;
import dev.tern.server.testing.TernProcess;

/**
 * Changes made in SQL by other tools (the sqlite3 command, as an Ansible task would) are served within seconds
 * without a restart; broken data keeps the last good snapshot and the log names the row.
 */
class SqlChangesTest {
    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> log = new ListAppender<>();
    private TernProcess tern;

    @BeforeEach
    void start() throws Exception {
        ((Logger) LoggerFactory.getLogger(ZoneLoader.class)).addAppender(log);
        log.start();
        tern = TernProcess.start(dir, List.of(), "base.test.", "@ SOA ns hm 1 3600 600 86400 60\n@ NS ns\nns A 127.0.0.1\n");
    }

    @AfterEach
    void stop() {
        tern.close();
        ((Logger) LoggerFactory.getLogger(ZoneLoader.class)).detachAppender(log);
    }

    private void sql(String statements) throws Exception {
        PowerDnsSchemaTest.sqlite3(tern.database(), statements);
    }

    private Message ask(String name, int type) throws Exception {
        SimpleResolver resolver = new SimpleResolver("127.0.0.1");
        resolver.setPort(tern.port());
        resolver.setTimeout(Duration.ofSeconds(2));
        return resolver.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)));
    }

    /** Polls (bounded: 10 s) until the answer satisfies the condition. */
    private Message await(String name, int type, Predicate<Message> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        Message last = null;
        while (System.nanoTime() < deadline) {
            last = ask(name, type);
            if (condition.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        return fail("no such answer for " + name + " within 10 s; last: " + last);
    }

    private static Predicate<Message> answers(String rdata) {
        return m -> m.getSection(Section.ANSWER).stream().anyMatch(r -> r.rdataToString().equals(rdata));
    }

    private boolean logged(String text) {
        return log.list.stream().anyMatch(e -> e.getFormattedMessage().contains(text));
    }

    @Test
    void aZoneAddedChangedAndRemovedWithSqlite3IsServedWithinSeconds() throws Exception {
        assertThat(ask("www.new.test.", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
        sql("INSERT INTO domains (name, type) VALUES ('new.test', 'NATIVE');"
                + "INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth) VALUES"
                + " ((SELECT id FROM domains WHERE name = 'new.test'), 'new.test', 'SOA',"
                + " 'ns1.new.test hostmaster.new.test 1 3600 600 86400 60', 300, 0, 0, 1),"
                + " ((SELECT id FROM domains WHERE name = 'new.test'), 'www.new.test', 'A', '127.0.0.5', 300, 0, 0, 1),"
                + " ((SELECT id FROM domains WHERE name = 'new.test'), 'off.new.test', 'A', '127.0.0.6', 300, 0, 1, 1),"
                + " ((SELECT id FROM domains WHERE name = 'new.test'), 'mx.new.test', 'MX', 'mail.new.test', 300, 10,"
                + " 0, 1);");
        await("www.new.test.", Type.A, answers("127.0.0.5"));
        assertThat(ask("off.new.test.", Type.A).getRcode()).as("disabled=1 is not served").isEqualTo(Rcode.NXDOMAIN);
        assertThat(ask("mx.new.test.", Type.MX).getSection(Section.ANSWER).get(0).rdataToString())
                .isEqualTo("10 mail.new.test.");

        sql("UPDATE records SET content = '127.0.0.7' WHERE name = 'www.new.test';"
                + "UPDATE records SET content = 'ns1.new.test hostmaster.new.test 2 3600 600 86400 60'"
                + " WHERE name = 'new.test' AND type = 'SOA';");
        await("www.new.test.", Type.A, answers("127.0.0.7"));

        sql("DELETE FROM records WHERE domain_id = (SELECT id FROM domains WHERE name = 'new.test');"
                + "DELETE FROM domains WHERE name = 'new.test';");
        await("www.new.test.", Type.A, m -> m.getRcode() == Rcode.REFUSED);
        assertThat(logged("[new.test.] removed from the database")).isTrue();
    }

    @Test
    void brokenDataKeepsTheLastGoodSnapshotAndTheLogNamesTheRow() throws Exception {
        sql("INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth) VALUES"
                + " (1, 'www.base.test', 'A', '127.0.0.8', 300, 0, 0, 1);"
                + "UPDATE records SET content = 'ns hm 2 3600 600 86400 60' WHERE type = 'SOA';");
        await("www.base.test.", Type.A, answers("127.0.0.8"));

        // One unreadable row is served around (BrokenRowsTest); an unreadable apex SOA keeps the last good zone.
        sql("UPDATE records SET content = 'ns hm three 3600 600 86400 60' WHERE type = 'SOA';");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!logged("not reloaded") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(log.list).anyMatch(e -> e.getFormattedMessage().matches("\\[base\\.test\\.] not reloaded, still"
                + " serving serial 2: records row \\d+ of zone base\\.test\\. \\(base\\.test SOA 'ns hm three 3600 600"
                + " 86400 60'\\): the apex SOA does not parse \\(expected an integer\\); a zone is not served without its"
                + " SOA"));
        assertThat(ask("www.base.test.", Type.A).getSection(Section.ANSWER).get(0).rdataToString())
                .isEqualTo("127.0.0.8");
        assertThat(ask("base.test.", Type.SOA).getSection(Section.ANSWER).get(0).rdataToString()).contains(" 2 ");

        sql("DELETE FROM records WHERE type = 'SOA';");
        deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!logged("has no SOA record") && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(logged("[base.test.] not reloaded, still serving serial 2: zone base.test. has no SOA record"))
                .isTrue();
        assertThat(ask("www.base.test.", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
    }

    @Test
    void aNewZoneWithBrokenDataAnswersServfailNotGarbage() throws Exception {
        sql("INSERT INTO domains (name, type) VALUES ('broken.test', 'NATIVE');"
                + "INSERT INTO records (domain_id, name, type, content, ttl, prio, disabled, auth) VALUES"
                + " ((SELECT id FROM domains WHERE name = 'broken.test'), 'www.broken.test', 'A', '127.0.0.9', 300, 0,"
                + " 0, 1);");
        await("www.broken.test.", Type.A, m -> m.getRcode() == Rcode.SERVFAIL);
        assertThat(logged("[broken.test.] not loaded, answering SERVFAIL: zone broken.test. has no SOA record"))
                .isTrue();
    }
}
