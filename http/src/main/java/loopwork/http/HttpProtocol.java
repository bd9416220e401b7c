package loopwork.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import loopwork.core.ConnectionHandler;
import loopwork.core.LoopInfo;
import loopwork.core.Protocol;
import loopwork.core.TaskRegistry;

/**
 * HTTP/1.1 as a kit protocol, serving a fixed set of exact-path routes.
 *
 * <p>Thread-safe: built on the main thread; each loop's handler and stats are then used by that loop only,
 * and {@link #stats()} may be read from any thread.
 */
public final class HttpProtocol implements Protocol {

    private final Routes routes;
    private final HttpLimits limits;
    private final List<HttpStats> stats = Collections.synchronizedList(new ArrayList<>());
    private final List<HttpStats> workerStats = Collections.synchronizedList(new ArrayList<>());
    private final List<HttpStats> blockingStats = Collections.synchronizedList(new ArrayList<>());

    public HttpProtocol(List<Route> routes) {
        this(routes, HttpLimits.DEFAULTS);
    }

    public HttpProtocol(List<Route> routes, HttpLimits limits) {
        this.routes = new Routes(routes);
        this.limits = limits;
    }

    @Override
    public void registerTasks(TaskRegistry tasks) {
        for (Route route : routes.all()) {
            route.registerTasks(tasks);
        }
    }

    @Override
    public byte[] refusal() {
        // Encoded once, so without a Date line: RFC 9110 6.6.1 leaves Date optional in 5xx answers.
        return HttpResponse.SERVICE_UNAVAILABLE.joined(HttpResponse.CLOSE, new byte[0], false);
    }

    /**
     * An {@link HttpExchange} per context, with its {@link ChunkedBody}, made on the context's first open:
     * 160 B on JDK 25 with compressed oops and compact object headers (as bin/jvm.options sets), rounded up by
     * a few fields' worth. ExchangeHeapTest measures it again.
     */
    static final int HEAP_BYTES_PER_CONNECTION = 168;

    @Override
    public int heapBytesPerConnection() {
        return HEAP_BYTES_PER_CONNECTION;
    }

    @Override
    public ConnectionHandler newHandler(LoopInfo loop) {
        HttpStats handlerStats = new HttpStats(routes.size(), loop.index());
        switch (loop.role()) {
            case ACCEPT_LOOP -> stats.add(handlerStats);
            case WORKER_LOOP -> workerStats.add(handlerStats);
            case WORKER_BLOCKING -> blockingStats.add(handlerStats);
        }
        return new HttpHandler(loop, routes, limits, handlerStats);
    }

    /** The routes' paths, in the order of their request durations ({@link HttpStats#durations()}). */
    public List<String> routePaths() {
        List<String> paths = new ArrayList<>();
        for (Route route : routes.all()) {
            paths.add(route.path());
        }
        return List.copyOf(paths);
    }

    /** Per-loop HTTP counters, in loop order. */
    public List<HttpStats> stats() {
        return List.copyOf(stats);
    }

    /** HTTP counters of each worker's loop (requests served on connections moved there), in worker order. */
    public List<HttpStats> workerStats() {
        return List.copyOf(workerStats);
    }

    /**
     * HTTP counters of each worker's blocking side, in worker order, then (with virtual sync threads) of each
     * virtual thread, as they are made ({@link HttpStats#index()} names its worker): the answers written by
     * blocking routes on connections handed off there (it parses no requests).
     */
    public List<HttpStats> blockingStats() {
        return List.copyOf(blockingStats);
    }
}
