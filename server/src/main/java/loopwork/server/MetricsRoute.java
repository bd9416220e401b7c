package loopwork.server;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.ToLongFunction;

import loopwork.core.Kit;
import loopwork.core.KitConfig;
import loopwork.core.LoopStatistics;
import loopwork.core.WorkerStatistics;
import loopwork.http.HttpExchange;
import loopwork.http.HttpProtocol;
import loopwork.http.HttpStats;
import loopwork.http.RequestDurations;
import loopwork.http.Route;

/**
 * {@code GET /metrics}: every loop's and worker's counters in the Prometheus text format (version 0.0.4),
 * including the bytes each thread has allocated, which is how the zero-allocation claim is watched in
 * production, the request-duration histograms per route, and the process's and JVM's figures ({@link
 * JvmFigures}). Builds its text on each call: an operations endpoint, not a hot path. Served on the main
 * listener and on the admin one ({@link AdminListener}), the same instance reading the main server's kit.
 *
 * <p>Thread-safe: reads counters that their owner threads publish with opaque writes.
 */
final class MetricsRoute implements Route {

    private static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    private final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};
    private volatile Kit kit;
    private volatile HttpProtocol http;
    private volatile Readiness readiness;

    /** Set once the kit is built, before it starts. */
    void bind(Kit kit, HttpProtocol http, Readiness readiness) {
        this.kit = kit;
        this.http = http;
        this.readiness = readiness;
    }

    @Override
    public String path() {
        return "/metrics";
    }

    @Override
    public void onRequest(HttpExchange exchange) {
        byte[] body = render().getBytes(StandardCharsets.UTF_8);
        exchange.respond(200, "OK", CONTENT_TYPE, body);
    }

    String render() {
        List<LoopStatistics> loops = kit.loopStats();
        List<HttpStats> loopHttp = http.stats();
        List<WorkerStatistics> workers = kit.workerStats();
        List<HttpStats> workerHttp = http.workerStats();
        StringBuilder out = new StringBuilder(8192);
        KitConfig config = kit.config();
        header(out, "loopwork_info", "gauge", "The running configuration, as labels; always 1.");
        out.append("loopwork_info{transport=\"").append(config.transport().label())
                .append("\",accept_threads=\"").append(config.acceptThreads())
                .append("\",worker_threads=\"").append(config.workerThreads()).append("\"} 1\n");
        family(out, "loopwork_connections_accepted_total", "counter", "Connections accepted into a context.",
                "loop", loops, LoopStatistics::accepted);
        family(out, "loopwork_connections_open", "gauge", "Connections open now.", "loop", loops, LoopStatistics::open);
        family(out, "loopwork_connections_rejected_total", "counter",
                "Connections refused with 503 because the loop's pool was empty.", "loop", loops,
                LoopStatistics::rejected);
        family(out, "loopwork_accept_errors_total", "counter",
                "Accepts that failed (no file descriptors left, typically); accepting pauses 100 ms after each.",
                "loop", loops, LoopStatistics::acceptErrors);
        family(out, "loopwork_connections_away", "gauge",
                "Connections of the loop served by workers now (handed off or moved).", "loop", loops,
                LoopStatistics::away);
        family(out, "loopwork_pool_free", "gauge", "Connection contexts free in the loop's pool.",
                "loop", loops, LoopStatistics::poolFree);
        family(out, "loopwork_defer_accept", "gauge",
                "1 while the loop's listener holds connections back until their request arrived (TCP_DEFER_ACCEPT).",
                "loop", loops, LoopStatistics::deferringAccept);
        family(out, "loopwork_pool_capacity", "gauge",
                "The most connections the loop may hold (contexts made as they come).", "loop", loops,
                LoopStatistics::capacity);
        family(out, "loopwork_requests_total", "counter", "HTTP requests parsed and routed.",
                "loop", loopHttp, HttpStats::requests);
        header(out, "loopwork_ready", "gauge", "1 when /readyz answers 200: started and not draining.");
        out.append("loopwork_ready ").append(readiness.state() == Readiness.State.READY ? 1 : 0).append('\n');
        header(out, "loopwork_responses_total", "counter",
                "HTTP responses written on the loop, by status class (1xx: a 100 Continue before a body).");
        for (int i = 0; i < loopHttp.size(); i++) {
            responses(out, "loopwork_responses_total{loop=\"", i, loopHttp.get(i), List.of());
        }
        family(out, "loopwork_timeouts_total", "counter",
                "Connections closed by a header, body, idle or write timeout.", "loop", loopHttp, HttpStats::timeouts);
        family(out, "loopwork_answer_overflows_total", "counter",
                "Answers dropped, with their connection, because they did not fit the output buffer.", "loop",
                loopHttp, HttpStats::overflows);
        family(out, "loopwork_bad_bodies_total", "counter",
                "Connections closed with no second answer: the body of a request already answered had bad chunk "
                        + "framing or ran over --max-body.", "loop", loopHttp, HttpStats::badBodies);
        family(out, "loopwork_tasks_offloaded_total", "counter", "Tasks the loop handed to workers.",
                "loop", loops, LoopStatistics::tasksOffloaded);
        family(out, "loopwork_tasks_refused_total", "counter",
                "Claims of a worker refused, for a task, a hand-off or a move: workers saturated (503).",
                "loop", loops, LoopStatistics::tasksRefused);
        family(out, "loopwork_queue_timeouts_total", "counter",
                "Tasks and hand-offs taken back unstarted after waiting for a worker past --queue-timeout (503).",
                "loop", loops, LoopStatistics::queueTimeouts);
        family(out, "loopwork_task_claims_aborted_total", "counter",
                "Task claims a handler left open when its call returned, given back by the kit.",
                "loop", loops, LoopStatistics::claimsAborted);
        family(out, "loopwork_input_full_total", "counter",
                "Times a connection's input buffer was full of bytes its handler left unconsumed.",
                "loop", loops, LoopStatistics::inputFull);
        family(out, "loopwork_oversized_writes_total", "counter",
                "Writes refused because they could never fit a connection's output buffer.",
                "loop", loops, LoopStatistics::oversizedWrites);
        family(out, "loopwork_handler_errors_total", "counter", "Protocol handler calls that threw.",
                "loop", loops, LoopStatistics::handlerErrors);
        header(out, "loopwork_unexpected_failures_total", "counter",
                "Loop cycles that failed on a bug in the kit and were survived; anything but 0 deserves a report.");
        out.append("loopwork_unexpected_failures_total ").append(kit.unexpectedFailures()).append('\n');
        family(out, "loopwork_loop_allocated_bytes_total", "counter", "Bytes allocated by the loop thread.",
                "loop", loops, loop -> allocated(loop.threadId()));
        family(out, "loopwork_worker_tasks_total", "counter", "Tasks run by the worker.",
                "worker", workers, WorkerStatistics::tasksRun);
        family(out, "loopwork_worker_task_failures_total", "counter", "Tasks that threw on the worker.",
                "worker", workers, WorkerStatistics::tasksFailed);
        family(out, "loopwork_worker_handoffs_total", "counter",
                "Connections handed to the worker and served with blocking I/O.", "worker", workers,
                WorkerStatistics::handOffs);
        family(out, "loopwork_worker_moves_total", "counter", "Connections moved into the worker's event loop.",
                "worker", workers, WorkerStatistics::moves);
        family(out, "loopwork_worker_connections_held", "gauge", "Connections the worker serves now.",
                "worker", workers, WorkerStatistics::held);
        family(out, "loopwork_worker_handler_errors_total", "counter", "Handler calls that threw on the worker.",
                "worker", workers, WorkerStatistics::handlerErrors);
        family(out, "loopwork_worker_handoff_timeouts_total", "counter",
                "Hand-offs closed because the peer stalled or kept below --handoff-min-rate.", "worker", workers,
                WorkerStatistics::handOffTimeouts);
        family(out, "loopwork_worker_tasks_refused_total", "counter",
                "Task claims of connections moved to the worker refused: workers saturated (503).", "worker",
                workers, WorkerStatistics::tasksRefused);
        family(out, "loopwork_worker_queue_timeouts_total", "counter",
                "Tasks of connections moved to the worker taken back unstarted past --queue-timeout (503).",
                "worker", workers, WorkerStatistics::queueTimeouts);
        List<HttpStats> blockingHttp = http.blockingStats();
        header(out, "loopwork_worker_responses_total", "counter", "HTTP responses written on the worker, by status "
                + "class: on connections moved to its loop and on those handed to it (blocking).");
        for (int i = 0; i < workerHttp.size(); i++) {
            responses(out, "loopwork_worker_responses_total{worker=\"", i, workerHttp.get(i), blockingHttp);
        }
        durations(out, http.routePaths(), List.of(loopHttp, workerHttp, blockingHttp));
        family(out, "loopwork_worker_requests_total", "counter",
                "HTTP requests parsed on the worker's loop (connections moved there).", "worker", workerHttp,
                HttpStats::requests);
        family(out, "loopwork_worker_allocated_bytes_total", "counter",
                "Bytes allocated by the worker's threads (its blocking side and its loop).", "worker", workers,
                worker -> allocated(worker.threadId()) + allocated(worker.loopThreadId()));
        JvmFigures.render(out);
        return out.toString();
    }

    /** One metric family: its HELP and TYPE lines, then a sample per loop or worker. */
    private static <T> void family(StringBuilder out, String name, String type, String help, String label,
            List<T> sources, ToLongFunction<T> value) {
        header(out, name, type, help);
        for (int i = 0; i < sources.size(); i++) {
            out.append(name).append('{').append(label).append("=\"").append(i).append("\"} ")
                    .append(value.applyAsLong(sources.get(i))).append('\n');
        }
    }

    private long allocated(long threadId) {
        long bytes = threadId < 0 ? -1 : threads.getThreadAllocatedBytes(threadId);
        return Math.max(0, bytes);
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    /** One sample per status class of the thread {@code index}: {@code stats}, plus those of {@code more} that are its. */
    private static void responses(StringBuilder out, String prefix, int index, HttpStats stats, List<HttpStats> more) {
        for (int c = 0; c < CLASSES.length; c++) {
            long sum = byClass(stats, c);
            for (HttpStats other : more) {
                sum += other.index() == index ? byClass(other, c) : 0;
            }
            out.append(prefix).append(index).append("\",class=\"").append(CLASSES[c]).append("\"} ").append(sum)
                    .append('\n');
        }
    }

    private static long byClass(HttpStats stats, int statusClass) {
        return switch (statusClass) {
            case 0 -> stats.responses1xx();
            case 1 -> stats.responses2xx();
            case 2 -> stats.responses3xx();
            case 3 -> stats.responses4xx();
            default -> stats.responses5xx();
        };
    }

    /**
     * The request-duration histogram of each route, added up over every thread that answers requests (loops,
     * workers' loops, workers' blocking sides), with the requests no route matched as route "unmatched".
     */
    private static void durations(StringBuilder out, List<String> paths, List<List<HttpStats>> threads) {
        String name = "loopwork_request_duration_seconds";
        header(out, name, "histogram", "From a request's head parsed to its answer's status line written (a large "
                + "answer's rest or a stream's body may follow), by route.");
        for (int route = 0; route <= paths.size(); route++) {
            String label = route < paths.size() ? paths.get(route) : "unmatched";
            long cumulative = 0;
            long sumNs = 0;
            for (int bucket = 0; bucket < RequestDurations.BUCKETS; bucket++) {
                for (List<HttpStats> of : threads) {
                    for (HttpStats stats : of) {
                        cumulative += stats.durations().count(route, bucket);
                    }
                }
                out.append(name).append("_bucket{route=\"").append(label).append("\",le=\"")
                        .append(RequestDurations.label(bucket)).append("\"} ").append(cumulative).append('\n');
            }
            for (List<HttpStats> of : threads) {
                for (HttpStats stats : of) {
                    sumNs += stats.durations().sumNs(route);
                }
            }
            out.append(name).append("_sum{route=\"").append(label).append("\"} ").append(sumNs / 1e9).append('\n');
            out.append(name).append("_count{route=\"").append(label).append("\"} ").append(cumulative).append('\n');
        }
    }
}
