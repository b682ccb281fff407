package dev.tern.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;
import dev.tern.config.ConfigLoader;
import dev.tern.server.Server;
import dev.tern.server.store.JdbcZoneStore;
import dev.tern.server.testing.TernProcess;
import dev.tern.server.zone.ZoneKind;

/**
 * The Prometheus endpoint, scraped after real queries and a real transfer: the series the operator's dashboards
 * use are there with the right values.
 */
class MetricsEndpointTest {
    private static final String ORIGIN = "xfr.test.";

    @Test
    void aScrapeAfterQueriesAndATransferHasTheSeriesWithTheirValues(@TempDir Path dir) throws Exception {
        try (TernProcess primary = TernProcess.start(dir, List.of("webserver=yes", "webserver-port=0"), ORIGIN,
                zone(7, 200))) {
            for (int i = 0; i < 3; i++) {
                query(primary.port(), "ns1.xfr.test.", Type.A, false);
            }
            query(primary.port(), "missing.xfr.test.", Type.A, false);
            query(primary.port(), "xfr.test.", Type.SOA, true);
            // 200 TXT records do not fit 512 bytes: truncated over UDP.
            Message big = Message.newQuery(Record.newRecord(Name.fromString("xfr.test."), Type.TXT, DClass.IN));
            send(primary.port(), big, false);

            Path middleDir = Files.createDirectories(dir.resolve("secondary"));
            Path database = middleDir.resolve("tern.sqlite3");
            try (JdbcZoneStore store = JdbcZoneStore.openSqlite(database, 5000, 3600)) {
                store.createZone(Name.fromConstantString(ORIGIN), ZoneKind.SECONDARY, "127.0.0.1:" + primary.port());
            }
            try (Server secondary = new Server(new ConfigLoader().load(List.of("local-address=127.0.0.1",
                    "local-port=0", "gsqlite3-database=" + database, "secondary=yes", "sql-poll-interval=1",
                    "socket-dir=" + middleDir, "webserver=yes", "webserver-port=0"))).start(false)) {
                secondary.secondaries().requestRefresh(Name.fromConstantString(ORIGIN), null).get(20,
                        java.util.concurrent.TimeUnit.SECONDS);
                secondary.syncNow();

                String out = scrape(primary.server().metricsPort());
                assertThat(value(out, "tern_queries_total{qtype=\"A\",rcode=\"NOERROR\",transport=\"udp\"}"))
                        .isEqualTo(3);
                assertThat(value(out, "tern_queries_total{qtype=\"A\",rcode=\"NXDOMAIN\",transport=\"udp\"}"))
                        .isEqualTo(1);
                assertThat(value(out, "tern_queries_total{qtype=\"SOA\",rcode=\"NOERROR\",transport=\"tcp\"}"))
                        .isGreaterThanOrEqualTo(1);
                assertThat(value(out, "tern_truncated_total{transport=\"udp\"}")).isEqualTo(1);
                // Five of ours and the secondary's SOA check.
                assertThat(value(out, "tern_query_duration_seconds_count{transport=\"udp\"}")).isEqualTo(6);
                assertThat(value(out, "tern_queries_total{qtype=\"SOA\",rcode=\"NOERROR\",transport=\"udp\"}"))
                        .isEqualTo(1);
                assertThat(out).contains("tern_query_duration_seconds_bucket{transport=\"udp\",le=");
                assertThat(value(out, "tern_response_size_bytes_count{transport=\"udp\"}")).isEqualTo(6);
                assertThat(value(out, "tern_xfr_duration_seconds_count{direction=\"out\",result=\"success\","
                        + "type=\"axfr\"}")).isEqualTo(1);
                assertThat(value(out, "tern_zone_serial{kind=\"NATIVE\",zone=\"xfr.test.\"}")).isEqualTo(7);
                assertThat(out).contains("tern_tcp_connections ").contains("jvm_memory_used_bytes{")
                        .contains("process_uptime_seconds ");

                String secondaryOut = scrape(secondary.metricsPort());
                assertThat(value(secondaryOut, "tern_xfr_duration_seconds_count{direction=\"in\",result=\"success\","
                        + "type=\"axfr\"}")).isEqualTo(1);
                assertThat(value(secondaryOut, "tern_refresh_total{cause=\"none\",result=\"transferred\"}"))
                        .isEqualTo(1);
                assertThat(value(secondaryOut, "tern_zone_serial{kind=\"SLAVE\",zone=\"xfr.test.\"}")).isEqualTo(7);
                assertThat(value(secondaryOut, "tern_zone_refresh_age_seconds{kind=\"SLAVE\",zone=\"xfr.test.\"}"))
                        .isBetween(0.0, 30.0);
                assertThat(value(secondaryOut, "tern_zone_expire_remaining_seconds{kind=\"SLAVE\","
                        + "zone=\"xfr.test.\"}")).isBetween(86_300.0, 86_400.0);
            }
        }
    }

    static String zone(long serial, int hosts) {
        StringBuilder text = new StringBuilder("$ORIGIN xfr.test.\n$TTL 300\n@ SOA ns1 hostmaster " + serial
                + " 3600 600 86400 60\n@ NS ns1\nns1 A 127.0.0.1\n");
        for (int i = 0; i < hosts; i++) {
            text.append("@ TXT \"apex text number ").append(i).append("\"\n");
        }
        return text.toString();
    }

    private static double value(String scrape, String series) {
        Matcher line = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(scrape);
        assertThat(line.find()).as(series + " in:\n" + scrape).isTrue();
        return Double.parseDouble(line.group(1));
    }

    private static String scrape(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static void query(int port, String name, int type, boolean tcp) throws Exception {
        send(port, Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN)), tcp);
    }

    private static Message send(int port, Message query, boolean tcp) throws Exception {
        SimpleResolver resolver = new SimpleResolver("127.0.0.1");
        resolver.setPort(port);
        resolver.setTCP(tcp);
        resolver.setIgnoreTruncation(true);
        resolver.setTimeout(Duration.ofSeconds(3));
        return resolver.send(query);
    }
}
