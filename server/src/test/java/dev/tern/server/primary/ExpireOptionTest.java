package dev.tern.server.primary;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Name;
import dev.tern.config.ConfigLoader;
import dev.tern.server.Server;
import dev.tern.server.store.DomainRow;
import dev.tern.server.store.JdbcZoneStore;
import dev.tern.server.store.SecondaryState;
import dev.tern.server.store.SecondaryStore;
import dev.tern.server.testing.Peers;
import dev.tern.server.testing.TernProcess;
import dev.tern.server.testing.TestZones;
import dev.tern.server.zone.ZoneKind;

/**
 * EDNS EXPIRE (RFC 7314): a primary answers with its SOA expire, a secondary with the time its copy has left, and a
 * secondary of a secondary takes that shorter time instead of the SOA's.
 */
class ExpireOptionTest {
    private static final String ORIGIN = "xfr.test.";

    @Test
    void aPrimaryAnswersWithTheSoaExpireAndASecondaryWithWhatItHasLeft(@TempDir Path dir) throws Exception {
        try (TernProcess primary = TernProcess.start(dir, List.of(), ORIGIN, TransferOutTest.zone(1, 5))) {
            assertThat(digExpire(primary.port())).isEqualTo(86400);

            // A secondary whose copy was last refreshed long ago: 1000 s are left of its expire.
            Path middleDir = Files.createDirectories(dir.resolve("middle"));
            Path middleDatabase = middleDir.resolve("tern.sqlite3");
            try (JdbcZoneStore store = JdbcZoneStore.openSqlite(middleDatabase, 5000, 3600)) {
                DomainRow row = store.createZone(Name.fromConstantString(ORIGIN), ZoneKind.SECONDARY,
                        "127.0.0.1:" + primary.port());
                store.replaceRecords(row, TestZones.records(ORIGIN, TransferOutTest.zone(1, 5)));
                Instant now = Instant.now();
                new SecondaryStore(store.dataSource()).save(new SecondaryState(row.id(), now.minusSeconds(85_400),
                        now.plusSeconds(1000), now.plusSeconds(3600), 0, "127.0.0.1", "up to date"), true);
            }
            try (Server middle = secondary(middleDir, middleDatabase, List.of())) {
                long left = digExpire(middle.port());
                assertThat(left).isBetween(900L, 1000L);

                Path lastDir = Files.createDirectories(dir.resolve("last"));
                Path lastDatabase = lastDir.resolve("tern.sqlite3");
                try (JdbcZoneStore store = JdbcZoneStore.openSqlite(lastDatabase, 5000, 3600)) {
                    store.createZone(Name.fromConstantString(ORIGIN), ZoneKind.SECONDARY, "127.0.0.1:" + middle.port());
                }
                try (Server last = secondary(lastDir, lastDatabase, List.of())) {
                    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    Instant expireAt = null;
                    while (expireAt == null && System.nanoTime() < deadline) {
                        expireAt = last.secondaries().status(Name.fromConstantString(ORIGIN)).state().expireAt();
                        Thread.sleep(100);
                    }
                    assertThat(expireAt).as("the last secondary transferred the zone").isNotNull();
                    // Not now + 86400 (the SOA's expire): the middle secondary's 1000 s.
                    assertThat(Duration.between(Instant.now(), expireAt).getSeconds()).isBetween(800L, 1000L);
                    assertThat(digExpire(last.port())).isBetween(800L, 1000L);
                }
            }
        }
    }

    private static Server secondary(Path dir, Path database, List<String> extra) throws Exception {
        List<String> settings = new ArrayList<>(List.of("local-address=127.0.0.1", "local-port=0",
                "gsqlite3-database=" + database, "secondary=yes", "sql-poll-interval=1", "socket-dir=" + dir));
        settings.addAll(extra);
        return new Server(new ConfigLoader().load(settings)).start(false);
    }

    /** dig's reading of the EXPIRE option in the answer to an SOA query. */
    private static long digExpire(int port) throws Exception {
        Peers.Result dig = Peers.run(20, Peers.require("dig", "bind9-dnsutils"), "@127.0.0.1", "-p",
                Integer.toString(port), "+expire", "+tries=1", "+time=5", ORIGIN, "SOA");
        Matcher expire = Pattern.compile("EXPIRE: (\\d+)").matcher(dig.output());
        assertThat(expire.find()).as(dig.output()).isTrue();
        return Long.parseLong(expire.group(1));
    }
}
