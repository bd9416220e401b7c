package loopwork.http;

import static loopwork.http.ManualHttp.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import loopwork.core.ManualClient;
import loopwork.core.ManualKit;

/**
 * What the HTTP counters say about answers: each status class counted as its own (1xx, the 100 Continue, and 3xx
 * were once counted as 2xx), and a request-duration histogram per route, with unmatched requests in their own,
 * wherever the request was answered (the loop, a worker's loop, a worker's blocking side), timed by the loops'
 * clock, here the kit's manual one.
 */
@Timeout(30)
class HttpStatusAndDurationTest {

    private static final HttpResponse MOVED = new HttpResponse(301, "Moved Permanently", "Location: /a\r\n", "",
            new byte[0]);
    private final HttpProtocol http = new HttpProtocol(List.of(ManualHttp.fixed("/a", "alpha"), new Route() {
        @Override
        public String path() {
            return "/old";
        }

        @Override
        public void onRequest(HttpExchange exchange) {
            exchange.respond(MOVED);
        }
    }, ManualHttp.async("/async"), ManualHttp.sync("/sync")));
    private final ManualKit kit;

    HttpStatusAndDurationTest() throws IOException {
        kit = ManualHttp.kit(http);
    }

    @AfterEach
    void everyContextCameBack() {
        try {
            kit.runUntilIdle();
            assertThat(kit.poolsFull()).as(kit.toString()).isTrue();
        } finally {
            kit.close();
        }
    }

    @Test
    void eachStatusClassIsCountedAsItself() {
        ManualClient client = kit.connect();
        client.send(get("/a") + get("/old") + get("/nowhere")
                + "POST /a HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nxyz"
                + "GET /a HTTP/1.1\r\nHost t\r\n\r\n");
        kit.runUntilIdle();
        assertThat(ManualHttp.answers(client.receivedAscii().replace("HTTP/1.1 100 Continue\r\n\r\n", "")))
                .extracting(ManualHttp.Answer::status).containsExactly(200, 301, 404, 405, 400);
        HttpStats stats = http.stats().getFirst();
        assertThat(stats.responses1xx()).as("the 100 Continue").isEqualTo(1);
        assertThat(stats.responses2xx()).isEqualTo(1);
        assertThat(stats.responses3xx()).isEqualTo(1);
        assertThat(stats.responses4xx()).isEqualTo(3);
        assertThat(stats.responses5xx()).isZero();
        assertThat(stats.requests()).as("the 400 was never a request").isEqualTo(4);
    }

    @Test
    void eachRoutedRequestIsTimedOnceInItsRoutesHistogram() {
        assertThat(http.routePaths()).containsExactly("/a", "/old", "/async", "/sync");
        ManualClient client = kit.connect();
        client.send(get("/a") + get("/a") + get("/old") + get("/nowhere") + get("/async") + get("/sync")
                + get("/a") + "GET /a HTTP/1.1\r\nHost t\r\n\r\n");
        for (int i = 0; i < 10; i++) {
            kit.advanceMs(ManualHttp.SLOW_MS);
            kit.runUntilIdle();
        }
        assertThat(ManualHttp.statuses(client.receivedAscii())).containsExactly(200, 200, 301, 404, 200, 200, 200,
                400);
        long[] counts = new long[5];
        long sumNs = 0;
        for (List<HttpStats> of : List.of(http.stats(), http.workerStats(), http.blockingStats())) {
            for (HttpStats stats : of) {
                RequestDurations durations = stats.durations();
                assertThat(durations.routes()).as("four routes and the unmatched").isEqualTo(5);
                for (int route = 0; route < 5; route++) {
                    for (int bucket = 0; bucket < RequestDurations.BUCKETS; bucket++) {
                        counts[route] += durations.count(route, bucket);
                    }
                    sumNs += durations.sumNs(route);
                }
            }
        }
        assertThat(counts).as("per route: /a, /old, /async, /sync, unmatched; the 400 is in none")
                .containsExactly(3, 1, 1, 1, 1);
        assertThat(total(http.workerStats().getFirst(), 2)).as("/async, answered on the worker's loop").isEqualTo(1);
        assertThat(http.blockingStats().stream().mapToLong(stats -> total(stats, 3)).sum())
                .as("/sync, answered on the worker's blocking side (or a virtual thread of it)").isEqualTo(1);
        // The loop's clock is the kit's manual one: /a is answered in the cycle that parsed it (0, the first
        // bucket), /async by its route's timer on the worker's loop, exactly SLOW_MS (5 s) later.
        assertThat(http.stats().getFirst().durations().count(0, 0)).isEqualTo(3);
        RequestDurations worker = http.workerStats().getFirst().durations();
        int fiveSeconds = RequestDurations.BUCKETS - 3;
        assertThat(RequestDurations.label(fiveSeconds)).isEqualTo("5.0");
        assertThat(worker.count(2, fiveSeconds)).isEqualTo(1);
        assertThat(worker.sumNs(2)).isEqualTo(ManualHttp.SLOW_MS * 1_000_000);
        assertThat(sumNs).isGreaterThanOrEqualTo(ManualHttp.SLOW_MS * 1_000_000);
    }

    private static long total(HttpStats stats, int route) {
        long sum = 0;
        for (int bucket = 0; bucket < RequestDurations.BUCKETS; bucket++) {
            sum += stats.durations().count(route, bucket);
        }
        return sum;
    }

    @Test
    void aDurationFallsInTheFirstBucketWhoseBoundHoldsIt() {
        RequestDurations durations = new RequestDurations(2);
        durations.record(1, 0);
        durations.record(1, 100_000); // le="0.0001" holds 100 µs itself
        durations.record(1, 100_001);
        durations.record(1, 10_000_000_000L);
        durations.record(1, 10_000_000_001L);
        assertThat(durations.count(1, 0)).isEqualTo(2);
        assertThat(durations.count(1, 1)).isEqualTo(1);
        assertThat(durations.count(1, RequestDurations.BUCKETS - 2)).isEqualTo(1);
        assertThat(durations.count(1, RequestDurations.BUCKETS - 1)).isEqualTo(1);
        assertThat(RequestDurations.label(RequestDurations.BUCKETS - 1)).isEqualTo("+Inf");
        assertThat(RequestDurations.label(RequestDurations.BUCKETS - 2)).isEqualTo("10.0");
        assertThat(durations.sumNs(1)).isEqualTo(20_000_200_002L);
        assertThat(durations.sumNs(0)).isZero();
        assertThat(durations.count(0, 0)).isZero();
    }
}
