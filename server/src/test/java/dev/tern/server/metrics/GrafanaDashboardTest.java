package dev.tern.server.metrics;

import static dev.tern.server.metrics.MetricsLab.ORIGIN;
import static dev.tern.server.metrics.MetricsLab.query;
import static dev.tern.server.metrics.MetricsLab.scrape;
import static dev.tern.server.metrics.MetricsLab.zone;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Type;
import dev.tern.server.Server;
import dev.tern.server.testing.ScriptedPrimary;
import dev.tern.server.testing.TernCtlRun;
import dev.tern.server.testing.TernProcess;

/**
 * The Grafana dashboard in {@code docs/grafana/tern.json} against a real scrape: every metric a panel or a
 * variable uses is one a ternd exports, under the name Prometheus sees ({@code _total}, {@code _seconds_bucket},
 * ...). A primary and a secondary, with queries, truncation, an AXFR, an AXFR through the automatic MSS fallback
 * and a NOTIFY, make every series of the dashboard appear.
 */
class GrafanaDashboardTest {
    /** Maven runs the tests of this module with the module directory as working directory. */
    private static final Path DOCS = Path.of("..", "docs");
    private static final String DASHBOARD = "grafana/tern.json";
    private static final String STALL_ORIGIN = "stall.test.";

    /** A metric name and where the dashboard uses it: a panel's title, or a variable. */
    record Use(String metric, String where) {
        @Override
        public String toString() {
            return metric + " (" + where + ")";
        }
    }

    @Test
    void everyPanelHasATitleATargetAndAnIdOfItsOwn() throws IOException {
        Set<Integer> ids = new HashSet<>();
        List<JsonNode> panels = panels(dashboard());
        assertThat(panels).isNotEmpty();
        for (JsonNode panel : panels) {
            String title = panel.path("title").asText("");
            assertThat(panel.path("id").isInt()).as("panel '%s': id", title).isTrue();
            assertThat(ids.add(panel.path("id").asInt())).as("panel '%s': id %s used twice", title,
                    panel.path("id")).isTrue();
            assertThat(title).as("panel %s: title", panel.path("id")).isNotBlank();
            if (panel.path("type").asText().equals("row")) {
                continue;
            }
            assertThat(panel.path("targets").size()).as("panel '%s': targets", title).isPositive();
            for (JsonNode target : panel.path("targets")) {
                assertThat(target.path("expr").asText("")).as("panel '%s': target %s expr", title,
                        target.path("refId")).isNotBlank();
            }
        }
    }

    @Test
    void hasTheDatasourceInstanceAndZoneVariables() throws IOException {
        JsonNode dashboard = dashboard();
        assertThat(dashboard.path("schemaVersion").asInt()).isGreaterThanOrEqualTo(39);
        List<String> variables = new ArrayList<>();
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            variables.add(variable.path("name").asText() + ":" + variable.path("type").asText() + ":"
                    + variableQuery(variable));
        }
        assertThat(variables).contains("datasource:datasource:prometheus",
                "instance:query:label_values(tern_zone_serial, instance)",
                "zone:query:label_values(tern_zone_serial, zone)");
    }

    @Test
    void theMetricsPageSaysWhereTheDashboardIs() throws IOException {
        assertThat(Files.readString(DOCS.resolve("metrics.md"), StandardCharsets.UTF_8)).contains("## Grafana")
                .contains("](" + DASHBOARD + ")");
    }

    @Test
    void findsTheMetricNamesOfAnExpression() {
        assertThat(PromQl.metricNames("histogram_quantile(0.99, sum by (le, transport) (rate(tern_query_duration"
                + "_seconds_bucket{instance=~\"$instance\", le!=\"x}\"}[$__rate_interval]))) / on (instance)"
                + " group_left(zone) process_cpu_usage offset 5m > bool 0 and ignoring(job) up"))
                .containsExactly("tern_query_duration_seconds_bucket", "process_cpu_usage", "up");
        assertThat(PromQl.metricNames("max without (gc) (jvm_gc_pause_seconds_max) + sum(x_total) by (a)"))
                .containsExactly("jvm_gc_pause_seconds_max", "x_total");
        assertThat(PromQl.variableMetricNames("label_values(tern_zone_serial{kind=\"SLAVE\", a=\"b\"}, zone)"))
                .containsExactly("tern_zone_serial");
        assertThat(PromQl.variableMetricNames("label_values(instance)")).isEmpty();
        assertThat(PromQl.variableMetricNames("query_result(max by (zone) (tern_zone_serial))"))
                .containsExactly("tern_zone_serial");
    }

    @Test
    void everyMetricTheDashboardUsesIsInARealScrape(@TempDir Path dir) throws Exception {
        List<Use> uses = uses(dashboard());
        assertThat(uses).isNotEmpty();
        try (TernProcess primary = TernProcess.start(dir, List.of("webserver=yes", "webserver-port=0"), ORIGIN,
                zone(7, 200));
             ScriptedPrimary blackholed = ScriptedPrimary.start(STALL_ORIGIN, "$ORIGIN stall.test.\n$TTL 300\n"
                     + "@ SOA ns1 hostmaster 1 3600 600 86400 60\n@ NS ns1\nns1 A 127.0.0.1\n")) {
            query(primary.port(), "ns1.xfr.test.", Type.A, false);
            query(primary.port(), "missing.xfr.test.", Type.A, false);
            query(primary.port(), "xfr.test.", Type.SOA, true);
            // 200 TXT records do not fit 512 bytes: truncated over UDP.
            Message big = query(primary.port(), "xfr.test.", Type.TXT, false);
            assertThat(big.getHeader().getFlag(Flags.TC)).isTrue();

            // The first transfer of stall.test. stalls at the default MSS 1220; the retry at 536 gets through.
            blackholed.behave(ScriptedPrimary.Behaviour.STALL_ONCE);
            try (Server secondary = MetricsLab.secondary(dir.resolve("secondary"), List.of("xfr-stall-timeout=1"),
                    ORIGIN, "127.0.0.1:" + primary.port(), STALL_ORIGIN, "127.0.0.1:" + blackholed.port())) {
                MetricsLab.refresh(secondary, ORIGIN);
                MetricsLab.refresh(secondary, STALL_ORIGIN);
                TernCtlRun notify = TernCtlRun.of(primary.server().controlSocket(), "notify", "--host",
                        "127.0.0.1:" + secondary.port(), "xfr.test");
                assertThat(notify.code()).as(notify.err()).isZero();

                // NOTIFY answers, GC pauses and the fallback's refresh end on other threads: scrape until every
                // metric is there, 30 s at most.
                Set<String> exposed = new TreeSet<>();
                List<Use> missing = uses;
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                for (int round = 0; round < 60 && !missing.isEmpty() && System.nanoTime() < deadline; round++) {
                    if (round > 0) {
                        Thread.sleep(500);
                    }
                    // jvm_gc_pause_seconds appears with the first collection after the binder was registered.
                    System.gc();
                    exposed = names(scrape(primary.server().metricsPort()));
                    exposed.addAll(names(scrape(secondary.metricsPort())));
                    Set<String> seen = exposed;
                    missing = uses.stream().filter(use -> !seen.contains(use.metric())).toList();
                }
                assertThat(missing).as("metrics the dashboard uses but neither ternd exports (exported: %s)",
                        exposed).isEmpty();
                assertMetricsPageNamesExportedSeries(exposed);
            }
        }
    }

    /** Every {@code tern_...} series in the table of docs/metrics.md is exported, alone or with a suffix. */
    private static void assertMetricsPageNamesExportedSeries(Set<String> exposed) throws IOException {
        String page = Files.readString(DOCS.resolve("metrics.md"), StandardCharsets.UTF_8);
        Matcher series = Pattern.compile("(?m)^\\| `(tern_\\w+)`(?:, `(tern_\\w+)`)?").matcher(page);
        List<String> documented = new ArrayList<>();
        while (series.find()) {
            documented.add(series.group(1));
            if (series.group(2) != null) {
                documented.add(series.group(2));
            }
        }
        assertThat(documented).hasSizeGreaterThanOrEqualTo(10);
        for (String name : documented) {
            assertThat(exposed).as("docs/metrics.md names %s", name)
                    .anyMatch(e -> e.equals(name) || e.startsWith(name + "_"));
        }
    }

    private static JsonNode dashboard() throws IOException {
        return new ObjectMapper().readTree(DOCS.resolve(DASHBOARD).toFile());
    }

    /** Every panel, rows too, and the panels inside collapsed rows. */
    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    /** Every metric of every panel's targets and every query variable, with where it is used. */
    static List<Use> uses(JsonNode dashboard) {
        List<Use> uses = new ArrayList<>();
        for (JsonNode panel : panels(dashboard)) {
            for (JsonNode target : panel.path("targets")) {
                for (String metric : PromQl.metricNames(target.path("expr").asText(""))) {
                    uses.add(new Use(metric, "panel '" + panel.path("title").asText() + "'"));
                }
            }
        }
        for (JsonNode variable : dashboard.path("templating").path("list")) {
            if (variable.path("type").asText().equals("query")) {
                for (String metric : PromQl.variableMetricNames(variableQuery(variable))) {
                    uses.add(new Use(metric, "variable $" + variable.path("name").asText()));
                }
            }
        }
        return uses;
    }

    /** A variable's query: a string, or (as newer Grafanas save it) an object holding the string. */
    private static String variableQuery(JsonNode variable) {
        JsonNode query = variable.path("query");
        return query.isObject() ? query.path("query").asText("") : query.asText("");
    }

    /** The names of the samples of a scrape in the text format, as Prometheus stores them. */
    private static Set<String> names(String scrape) {
        Set<String> names = new TreeSet<>();
        for (String line : scrape.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                int end = 0;
                while (end < line.length() && line.charAt(end) != '{' && line.charAt(end) != ' ') {
                    end++;
                }
                names.add(line.substring(0, end));
            }
        }
        return names;
    }
}
