package dev.tern.server.metrics;

import static dev.tern.server.metrics.MetricsLab.ORIGIN;
import static dev.tern.server.metrics.MetricsLab.query;
import static dev.tern.server.metrics.MetricsLab.scrape;
import static dev.tern.server.metrics.MetricsLab.scrapeWhenExposed;
import static dev.tern.server.metrics.MetricsLab.send;
import static dev.tern.server.metrics.MetricsLab.value;
import static dev.tern.server.metrics.MetricsLab.zone;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;
import dev.tern.server.Server;
import dev.tern.server.testing.TernProcess;

/**
 * The Prometheus endpoint, scraped after real queries and a real transfer: the series the operator's dashboards
 * use are there with the right values.
 */
class MetricsEndpointTest {
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

            try (Server secondary = MetricsLab.secondary(dir.resolve("secondary"), List.of(), ORIGIN,
                    "127.0.0.1:" + primary.port())) {
                // The secondary checks the zone only now (its own first check is planned for tomorrow): exactly one
                // SOA query over UDP and one AXFR reach the primary.
                MetricsLab.refresh(secondary, ORIGIN);

                // The primary counts the AXFR-out when its last write completes, which can be after the secondary
                // has read it all: scrape once it is counted. The query counters are final before their answers
                // go out.
                String xfrOut = "tern_xfr_duration_seconds_count{direction=\"out\",result=\"success\",type=\"axfr\"}";
                String out = scrapeWhenExposed(primary.server().metricsPort(), xfrOut);
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
                assertThat(value(out, xfrOut)).isEqualTo(1);
                assertThat(value(out, "tern_zone_serial{kind=\"NATIVE\",zone=\"xfr.test.\"}")).isEqualTo(7);
                assertThat(out).contains("tern_tcp_connections ").contains("jvm_memory_used_bytes{")
                        .contains("process_uptime_seconds ");

                String secondaryOut = scrape(secondary.metricsPort());
                assertThat(value(secondaryOut, "tern_xfr_duration_seconds_count{direction=\"in\",result=\"success\","
                        + "type=\"axfr\"}")).isEqualTo(1);
                assertThat(value(secondaryOut, "tern_refresh_total{cause=\"none\",result=\"transferred\"}"))
                        .isEqualTo(1);
                // That transfer was the secondary's only check: the one SOA query the primary counted above.
                assertThat(secondaryOut).doesNotContain("tern_refresh_total{cause=\"none\",result=\"up_to_date\"}")
                        .doesNotContainPattern("tern_refresh_total\\{cause=\"[^\"]*\",result=\"failed\"}");
                assertThat(value(secondaryOut, "tern_zone_serial{kind=\"SLAVE\",zone=\"xfr.test.\"}")).isEqualTo(7);
                assertThat(value(secondaryOut, "tern_zone_refresh_age_seconds{kind=\"SLAVE\",zone=\"xfr.test.\"}"))
                        .isBetween(0.0, 30.0);
                assertThat(value(secondaryOut, "tern_zone_expire_remaining_seconds{kind=\"SLAVE\","
                        + "zone=\"xfr.test.\"}")).isBetween(86_300.0, 86_400.0);
            }
        }
    }
}
