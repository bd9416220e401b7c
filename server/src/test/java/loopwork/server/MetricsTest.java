package loopwork.server;

import static loopwork.server.OperatorServers.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /metrics} as a dashboard reads it, scraped over a socket from a server that served real requests:
 * responses by status class (1xx and 3xx apart from 2xx), a request-duration histogram per route whose counts
 * and buckets add up, the process's and JVM's figures, and text that Prometheus's format accepts throughout.
 */
@Timeout(60)
class MetricsTest {

    /** A sample line: a name, labels or none, a value. */
    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\"(,[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\")*\\})?"
                    + " (-?[0-9.]+(E-?[0-9]+)?|NaN|\\+Inf|-Inf)");
    private static final int SLOW_MS = 30;

    @Test
    void requestDurationsAreCountedPerRouteInTheirBuckets() throws Exception {
        try (LoopworkServer server = OperatorServers.start(16, SLOW_MS)) {
            try (RawHttp client = new RawHttp(server.port())) {
                for (int i = 0; i < 50; i++) {
                    assertThat(client.exchange(RawHttp.FAST).status()).isEqualTo(200);
                }
                for (int i = 0; i < 4; i++) {
                    assertThat(client.exchange(RawHttp.SLOW).status()).isEqualTo(200);
                }
                assertThat(client.exchange("GET /nowhere HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(404);
                assertThat(client.exchange("GET /test/sync HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(200);
            }
            String text = get(server.adminPort(), "/metrics").body();
            String name = "loopwork_request_duration_seconds";
            assertThat(value(text, name + "_count{route=\"/test/fast\"}")).isEqualTo(50);
            assertThat(value(text, name + "_bucket{route=\"/test/fast\",le=\"+Inf\"}")).isEqualTo(50);
            assertThat(value(text, name + "_count{route=\"/test/slow\"}")).isEqualTo(4);
            // The slow route's task takes 30 ms: none can be in a bucket below that, all are in +Inf.
            assertThat(value(text, name + "_bucket{route=\"/test/slow\",le=\"0.025\"}")).isZero();
            assertThat(value(text, name + "_sum{route=\"/test/slow\"}")).isGreaterThanOrEqualTo(4 * SLOW_MS / 1000.0);
            assertThat(value(text, name + "_count{route=\"unmatched\"}")).isEqualTo(1);
            assertThat(value(text, name + "_count{route=\"/test/sync\"}")).as("answered on a worker").isEqualTo(1);
            assertThat(value(text, name + "_count{route=\"/metrics\"}")).as("the admin port's scrape is its own")
                    .isZero();
            for (String route : new String[] {"/test/fast", "/test/slow", "unmatched"}) {
                double last = 0;
                for (Matcher m = Pattern.compile(Pattern.quote(name + "_bucket{route=\"" + route + "\",le=\"")
                        + "[^\"]+\"\\} (\\d+)").matcher(text); m.find();) {
                    double count = Double.parseDouble(m.group(1));
                    assertThat(count).as("cumulative buckets of %s", route).isGreaterThanOrEqualTo(last);
                    last = count;
                }
                assertThat(last).isEqualTo(value(text, name + "_count{route=\"" + route + "\"}"));
            }
        }
    }

    @Test
    void responsesAreCountedByTheirOwnStatusClass() throws Exception {
        try (LoopworkServer server = OperatorServers.start(16, 1)) {
            try (RawHttp client = new RawHttp(server.port())) {
                client.send("POST /test/fast HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n");
                assertThat(client.read().status()).isEqualTo(100);
                client.send("hi");
                assertThat(client.read().status()).as("POST is not allowed").isEqualTo(405);
                assertThat(client.exchange(RawHttp.FAST).status()).isEqualTo(200);
                assertThat(client.exchange("GET /test/sync HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(200);
            }
            String text = get(server.adminPort(), "/metrics").body();
            assertThat(value(text, "loopwork_responses_total{loop=\"0\",class=\"1xx\"}")).isEqualTo(1);
            assertThat(value(text, "loopwork_responses_total{loop=\"0\",class=\"2xx\"}")).isEqualTo(1);
            assertThat(value(text, "loopwork_responses_total{loop=\"0\",class=\"3xx\"}")).isZero();
            assertThat(value(text, "loopwork_responses_total{loop=\"0\",class=\"4xx\"}")).isEqualTo(1);
            assertThat(value(text, "loopwork_worker_responses_total{worker=\"0\",class=\"2xx\"}"))
                    .as("/test/sync, answered on the worker").isEqualTo(1);
        }
    }

    @Test
    void theProcessAndJvmFiguresComeWithTheLoopsAndTheTextIsValid() throws Exception {
        try (LoopworkServer server = OperatorServers.start(16, 1)) {
            String text = get(server.port(), "/metrics").body();
            for (String figure : new String[] {"process_cpu_seconds_total", "process_resident_memory_bytes",
                    "process_open_fds", "process_max_fds", "jvm_memory_used_bytes{area=\"heap\"}",
                    "jvm_threads_current", "jvm_gc_collection_seconds_count{gc=", "loopwork_connections_open{loop=\"0\"}"}) {
                assertThat(text).as(figure).contains("\n" + figure);
            }
            assertThat(value(text, "process_open_fds")).isPositive();
            Set<String> typed = new HashSet<>();
            Map<String, String> types = new HashMap<>();
            for (String line : text.split("\n")) {
                if (line.startsWith("# TYPE ")) {
                    String[] parts = line.split(" ");
                    assertThat(typed.add(parts[2])).as("one TYPE line for %s", parts[2]).isTrue();
                    types.put(parts[2], parts[3]);
                } else if (!line.startsWith("# HELP ")) {
                    Matcher sample = SAMPLE.matcher(line);
                    assertThat(sample.matches()).as("a sample line: %s", line).isTrue();
                    String family = sample.group(1).replaceAll("_(bucket|sum|count|total|created|info)$", "");
                    assertThat(typed.contains(sample.group(1)) || typed.contains(family)
                            || typed.contains(family + "_total") || typed.contains(family + "_info"))
                            .as("the family of %s declared before it", line).isTrue();
                }
            }
            assertThat(types).containsEntry("loopwork_request_duration_seconds", "histogram");
        }
    }

    /** The value of the sample {@code series} (its name and labels, exactly) in the scrape. */
    private static double value(String text, String series) {
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1));
            }
        }
        throw new AssertionError("no sample " + series + " in the scrape");
    }
}
