package dev.tern.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import dev.tern.config.ConfigLoader;
import dev.tern.server.Server;
import dev.tern.server.store.DomainRow;
import dev.tern.server.store.JdbcZoneStore;
import dev.tern.server.store.SecondaryState;
import dev.tern.server.store.SecondaryStore;
import dev.tern.server.zone.ZoneKind;

/**
 * What the metrics tests do to a ternd from outside: a zone to serve, queries over UDP and TCP, a secondary that
 * transfers from it, and scrapes of the Prometheus endpoint over HTTP. Everything on 127.0.0.1.
 */
final class MetricsLab {
    static final String ORIGIN = "xfr.test.";

    private MetricsLab() {
    }

    /** {@code xfr.test.} with this serial and {@code hosts} TXT records at the apex (200 do not fit 512 bytes). */
    static String zone(long serial, int hosts) {
        StringBuilder text = new StringBuilder("$ORIGIN xfr.test.\n$TTL 300\n@ SOA ns1 hostmaster " + serial
                + " 3600 600 86400 60\n@ NS ns1\nns1 A 127.0.0.1\n");
        for (int i = 0; i < hosts; i++) {
            text.append("@ TXT \"apex text number ").append(i).append("\"\n");
        }
        return text.toString();
    }

    /**
     * Starts a ternd with the metrics endpoint whose zones are secondary zones, each of the primary given beside it
     * ({@code origin, host:port, ...}), in a database of its own under {@code dir}. Each zone's first check is
     * planned for tomorrow, so the zone is checked only when a test asks ({@link #refresh}): otherwise the check a
     * fresh secondary plans within its first 200 ms could run before or beside the test's, and the primary would
     * count one SOA query or two depending on how busy the machine is.
     */
    static Server secondary(Path dir, List<String> overrides, String... originsAndPrimaries) throws Exception {
        Path database = Files.createDirectories(dir).resolve("tern.sqlite3");
        Instant tomorrow = Instant.now().plus(Duration.ofDays(1));
        try (JdbcZoneStore store = JdbcZoneStore.openSqlite(database, 5000, 3600)) {
            SecondaryStore state = new SecondaryStore(store.dataSource());
            for (int i = 0; i < originsAndPrimaries.length; i += 2) {
                DomainRow zone = store.createZone(Name.fromConstantString(originsAndPrimaries[i]),
                        ZoneKind.SECONDARY, originsAndPrimaries[i + 1]);
                state.save(new SecondaryState(zone.id(), null, null, tomorrow, 0, null, null), false);
            }
        }
        List<String> settings = new ArrayList<>(List.of("local-address=127.0.0.1", "local-port=0",
                "gsqlite3-database=" + database, "secondary=yes", "sql-poll-interval=1", "socket-dir=" + dir,
                "webserver=yes", "webserver-port=0"));
        settings.addAll(overrides);
        return new Server(new ConfigLoader().load(settings)).start(false);
    }

    /** Refreshes a secondary zone now and waits (20 s at most) until the refresh has ended. */
    static void refresh(Server secondary, String origin) throws Exception {
        secondary.secondaries().requestRefresh(Name.fromConstantString(origin), null).get(20, TimeUnit.SECONDS);
        secondary.syncNow();
    }

    /** The value of one series, written exactly as exposed ({@code name{label="value",...}}); fails if absent. */
    static double value(String scrape, String series) {
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        assertThat(line.find()).as(series + " in:\n" + scrape).isTrue();
        return Double.parseDouble(line.group(1));
    }

    /**
     * Scrapes until {@code series} is exposed (10 s at most) and returns that scrape, or the last one when the series
     * never appeared (a {@link #value} on it then fails with the scrape). For what ternd records after the peer has
     * already seen the end, such as a transfer-out, which is counted when the last write completes.
     */
    static String scrapeWhenExposed(int port, String series) throws Exception {
        Pattern line = Pattern.compile("(?m)^" + Pattern.quote(series) + " \\S+$");
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String out = scrape(port);
        while (!line.matcher(out).find() && System.nanoTime() < deadline) {
            Thread.sleep(50);
            out = scrape(port);
        }
        return out;
    }

    /** {@code GET /metrics}, which must answer 200. */
    static String scrape(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    static Message query(int port, String name, int type, boolean tcp) throws Exception {
        return send(port, Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)), tcp);
    }

    /** Sends a query and returns the answer as it came, TC set or not. */
    static Message send(int port, Message query, boolean tcp) throws Exception {
        SimpleResolver resolver = new SimpleResolver("127.0.0.1");
        resolver.setPort(port);
        resolver.setTCP(tcp);
        resolver.setIgnoreTruncation(true);
        resolver.setTimeout(Duration.ofSeconds(3));
        return resolver.send(query);
    }
}
