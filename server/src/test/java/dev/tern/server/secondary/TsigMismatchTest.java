package dev.tern.server.secondary;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import dev.tern.config.ConfigLoader;
import dev.tern.server.Server;
import dev.tern.server.store.JdbcZoneStore;
import dev.tern.server.testing.FreePort;
import dev.tern.server.testing.KnotPrimary;
import dev.tern.server.testing.Peers;
import dev.tern.server.testing.TernCtlRun;
import dev.tern.server.testing.TernProcess;
import dev.tern.server.zone.ZoneKind;
import org.xbill.DNS.Name;

/**
 * A key that differs between primary and secondary: the primary's TSIG error (RFC 8945 5.2) reaches the operator
 * in words, from knotd and from a Tern primary; and a Tern primary reports the error in its answer, as dig shows.
 */
class TsigMismatchTest {
    private static final String SECRET = "dHNpZy1taXNtYXRjaC1zZWNyZXQtdHNpZy1taXNtYXRjaA==";
    private static final String OTHER_SECRET = "c29tZXRoaW5nLWVsc2UtZW50aXJlbHktc29tZXRoaW5n";
    private static final String ZONE = "$ORIGIN key.test.\n$TTL 300\n@ SOA ns1 hostmaster 7 3600 600 86400 60\n"
            + "@ NS ns1\nns1 A 127.0.0.1\n";

    @TempDir
    Path dir;

    @ParameterizedTest(name = "knotd, our key {0}")
    @CsvSource({
            "'key-a, " + OTHER_SECRET + "', 'BADSIG: the key''s name and algorithm match but its secret does not'",
            "'key-b, " + SECRET + "', 'BADKEY: the other side has no key of this name and algorithm'"})
    void knotsTsigErrorIsNamed(String ourKey, String expected) throws Exception {
        Path knotDir = Files.createDirectories(dir.resolve("knot"));
        try (KnotPrimary knot = KnotPrimary.start(knotDir, "key.test", ZONE, "hmac-sha256:key-a:" + SECRET)) {
            String[] key = ourKey.split(", ");
            try (Server tern = secondary(knot.port(), key[0], key[1])) {
                TernCtlRun retrieve = TernCtlRun.of(dir.resolve("ternd.controlsocket"), "retrieve", "key.test");
                assertThat(retrieve.code()).as(retrieve.out() + retrieve.err()).isEqualTo(1);
                assertThat(retrieve.out() + retrieve.err()).contains("SOA from 127.0.0.1:" + knot.port()
                        + ": the primary rejected the signature of the SOA query, " + expected);
                TernCtlRun status = TernCtlRun.of(dir.resolve("ternd.controlsocket"), "zone-status", "key.test");
                assertThat(status.out()).contains(expected);
            }
        }
    }

    @Test
    void aTernPrimaryReportsTheErrorToTernAndToDig() throws Exception {
        Path primaryDir = Files.createDirectories(dir.resolve("primary"));
        try (TernProcess primary = TernProcess.start(primaryDir, List.of(), "key.test.", ZONE)) {
            try (Connection connection = java.sql.DriverManager.getConnection("jdbc:sqlite:" + primary.database());
                 Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO tsigkeys (name, algorithm, secret) VALUES ('key-a', 'hmac-sha256', '"
                        + SECRET + "')");
                statement.execute("INSERT INTO domainmetadata (domain_id, kind, content) SELECT id, 'TSIG-ALLOW-AXFR',"
                        + " 'key-a' FROM domains WHERE name = 'key.test'");
            }
            primary.server().syncNow();
            try (Server tern = secondary(primary.port(), "key-a", OTHER_SECRET)) {
                TernCtlRun retrieve = TernCtlRun.of(dir.resolve("ternd.controlsocket"), "retrieve", "key.test");
                assertThat(retrieve.code()).isEqualTo(1);
                assertThat(retrieve.out() + retrieve.err()).contains("the primary rejected the signature of the SOA"
                        + " query, BADSIG: the key's name and algorithm match but its secret does not");
            }
            String dig = Peers.require("dig", "bind9-dnsutils");
            for (String[] probe : new String[][] {{"SOA", "key-a:" + OTHER_SECRET, "BADSIG"},
                    {"SOA", "key-z:" + SECRET, "BADKEY"}, {"AXFR", "key-a:" + OTHER_SECRET, "BADSIG"}}) {
                Peers.Result result = Peers.run(30, dig, "@127.0.0.1", "-p", Integer.toString(primary.port()),
                        probe[0], "key.test.", "+tries=1", "+time=5", "-y", "hmac-sha256:" + probe[1]);
                // dig prints the TSIG record of the answer, with its error, in the pseudo-section.
                assertThat(result.output()).as(String.join(" ", probe)).containsPattern(
                        "(?m)^" + probe[1].split(":")[0] + "\\.\\s+0\\s+ANY\\s+TSIG\\s+hmac-sha256\\.\\s.*"
                                + probe[2]);
            }
        }
    }

    /** A Tern secondary of key.test. on that port, signing with that key. */
    private Server secondary(int primaryPort, String keyName, String secret) throws Exception {
        Path database = dir.resolve("secondary.sqlite3");
        Files.deleteIfExists(database);
        try (JdbcZoneStore store = JdbcZoneStore.openSqlite(database, 5000, 3600)) {
            long id = store.createZone(Name.fromConstantString("key.test."), ZoneKind.SECONDARY,
                    "127.0.0.1:" + primaryPort).id();
            try (Connection connection = store.dataSource().getConnection();
                 Statement statement = connection.createStatement()) {
                statement.execute("INSERT INTO tsigkeys (name, algorithm, secret) VALUES ('" + keyName
                        + "', 'hmac-sha256', '" + secret + "')");
                statement.execute("INSERT INTO domainmetadata (domain_id, kind, content) VALUES (" + id
                        + ", 'AXFR-MASTER-TSIG', '" + keyName + "')");
            }
        }
        return new Server(new ConfigLoader().load(List.of("local-address=127.0.0.1", "local-port=0",
                "gsqlite3-database=" + database, "secondary=yes", "sql-poll-interval=0", "socket-dir=" + dir)))
                .start(false);
    }
}
