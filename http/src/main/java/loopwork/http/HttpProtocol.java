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

    /** Body buffers per loop when none are asked for: two whole bodies larger than the input at once. */
    public static final int DEFAULT_BODY_BUFFERS = 2;

    private final int bodyBuffers;

    /** Routes that each name their exact path ({@link Route#path()}), for GET and HEAD. */
    public HttpProtocol(List<Route> routes) {
        this(routes, HttpLimits.DEFAULTS);
    }

    public HttpProtocol(List<Route> routes, HttpLimits limits) {
        this(RouteTable.of(routes), limits, DEFAULT_BODY_BUFFERS);
    }

    /**
     * @param bodyBuffers per loop, the whole bodies larger than a connection's input that may be gathered at
     *                    once, each in a buffer of the body limit plus the input's size (allocated on its first
     *                    use); a request finding none free gets 503
     */
    public HttpProtocol(RouteTable routes, HttpLimits limits, int bodyBuffers) {
        if (bodyBuffers < 0 || bodyBuffers > 1024) {
            throw new IllegalArgumentException("bodyBuffers must be in 0..1024, got " + bodyBuffers);
        }
        this.routes = new Routes(routes);
        this.limits = limits;
        this.bodyBuffers = bodyBuffers;
    }

    @Override
    public void registerTasks(TaskRegistry tasks) {
        java.util.Set<Route> registered = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (Route route : routes.all()) {
            if (registered.add(route)) { // a route registered for two methods registers its tasks once
                route.registerTasks(tasks);
            }
        }
    }

    @Override
    public byte[] refusal() {
        // Encoded once, so without a Date line: RFC 9110 6.6.1 leaves Date optional in 5xx answers.
        return HttpResponse.SERVICE_UNAVAILABLE.joined(HttpResponse.CLOSE, new byte[0], false);
    }

    /**
     * An {@link HttpExchange} per context, with its {@link ChunkedBody} and {@link PendingAnswer}, made on the
     * context's first open: 288 B on JDK 25 with compressed oops and compact object headers (as bin/jvm.options sets), rounded up by
     * a few fields' worth. ExchangeHeapTest measures it again.
     */
    static final int HEAP_BYTES_PER_CONNECTION = 296;

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
        return new HttpHandler(loop, routes, limits, handlerStats, bodyBuffers);
    }

    /**
     * The routes' names, in the order of their request durations ({@link HttpStats#durations()}): each one's
     * pattern ({@code *} after a prefix), after its methods unless it serves GET.
     */
    public List<String> routePaths() {
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < routes.size(); i++) {
            paths.add(routes.label(i));
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
