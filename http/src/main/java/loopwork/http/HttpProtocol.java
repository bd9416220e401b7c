package loopwork.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import loopwork.core.ConnectionHandler;
import loopwork.core.LoopInfo;
import loopwork.core.Protocol;
import loopwork.core.TaskRegistry;

/**
 * HTTP/1.1 as a kit protocol, serving the routes of a {@link RouteTable}: pass it to the kit's builder
 * ({@code Kit.builder().protocol(...)}), which makes each loop's handler with {@link #newHandler}.
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

    /**
     * Small body buffers (64 KiB and a head) per loop when none are asked for: 128, the bodies up to 64 KiB gathered
     * at once, which a hundred connections posting together need even when one loop has most of them; at most
     * 128 x 68 KiB = 8.5 MiB per loop with the default head, allocated as they are first needed.
     */
    public static final int DEFAULT_BODY_BUFFERS = 128;
    /** Large body buffers (the largest body and a head) per loop when none are asked for: 4, about 4 MiB at 1 MiB. */
    public static final int DEFAULT_LARGE_BODY_BUFFERS = 4;
    /** The most small body buffers per loop: 4096, about 272 MiB at the default head. */
    public static final int MAX_BODY_BUFFERS = 4096;
    /** The most large body buffers per loop: 1024, up to 1 GiB each at the largest body limit. */
    public static final int MAX_LARGE_BODY_BUFFERS = 1024;

    private final int bodyBuffers;
    private final int largeBodyBuffers;

    /**
     * GET and HEAD routes that each name their exact path, with the default limits and body buffers: how
     * protocols were made before route tables.
     *
     * @param routes each serving its {@link Route#path()}, tried in order
     */
    public HttpProtocol(List<Route> routes) {
        this(routes, HttpLimits.DEFAULTS);
    }

    /**
     * As {@link #HttpProtocol(List)}, with limits of the caller's.
     *
     * @param routes each serving its {@link Route#path()}, tried in order
     * @param limits what a client is allowed, {@link HttpLimits#DEFAULTS} usually
     */
    public HttpProtocol(List<Route> routes, HttpLimits limits) {
        this(RouteTable.of(routes), limits, DEFAULT_BODY_BUFFERS, DEFAULT_LARGE_BODY_BUFFERS);
    }

    /**
     * Whole bodies larger than a connection's input are gathered in a loop's body buffers, each allocated on its
     * first use and kept: a body up to 64 KiB in a small one, a larger one (up to the body limit) in a large one,
     * a chunked one in a small one until it outgrows it, then moved to a large one. A request finding none free
     * in its class gets 503. Per loop that costs at most
     * {@code bodyBuffers x (64 KiB + input) + largeBodyBuffers x (maxBodyBytes + input)}.
     *
     * @param routes           the routes, compiled now: a route added to the table later is not served
     * @param limits           what a client is allowed, {@link HttpLimits#DEFAULTS} usually
     * @param bodyBuffers      per loop, small body buffers, 0..{@value #MAX_BODY_BUFFERS}
     * @param largeBodyBuffers per loop, large body buffers, 0..{@value #MAX_LARGE_BODY_BUFFERS}
     * @throws IllegalArgumentException when a count is out of its range
     */
    public HttpProtocol(RouteTable routes, HttpLimits limits, int bodyBuffers, int largeBodyBuffers) {
        if (bodyBuffers < 0 || bodyBuffers > MAX_BODY_BUFFERS) {
            throw new IllegalArgumentException("bodyBuffers must be in 0.." + MAX_BODY_BUFFERS + ", got " + bodyBuffers);
        }
        if (largeBodyBuffers < 0 || largeBodyBuffers > MAX_LARGE_BODY_BUFFERS) {
            throw new IllegalArgumentException("largeBodyBuffers must be in 0.." + MAX_LARGE_BODY_BUFFERS + ", got "
                    + largeBodyBuffers);
        }
        this.routes = new Routes(routes);
        this.limits = limits;
        this.bodyBuffers = bodyBuffers;
        this.largeBodyBuffers = largeBodyBuffers;
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
        return new HttpHandler(loop, routes, limits, handlerStats, bodyBuffers, largeBodyBuffers);
    }

    /**
     * {@return the routes' names, in the order of their request durations ({@link HttpStats#durations()}): each
     * one's pattern ({@code *} after a prefix), after its methods unless it serves GET; a copy, made per call}
     */
    public List<String> routePaths() {
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < routes.size(); i++) {
            paths.add(routes.label(i));
        }
        return List.copyOf(paths);
    }

    /** {@return each accept loop's HTTP counters, in loop order, once the kit is built: a copy, made per call} */
    public List<HttpStats> stats() {
        return List.copyOf(stats);
    }

    /**
     * {@return the HTTP counters of each worker's loop (requests served on connections moved there), in worker
     * order: a copy, made per call}
     */
    public List<HttpStats> workerStats() {
        return List.copyOf(workerStats);
    }

    /**
     * {@return the HTTP counters of each worker's blocking side, in worker order, then (with virtual sync threads)
     * of each virtual thread, as they are made ({@link HttpStats#index()} names its worker): the answers written
     * by blocking routes on connections handed off there (it parses no requests); a copy, made per call}
     */
    public List<HttpStats> blockingStats() {
        return List.copyOf(blockingStats);
    }
}
