package loopwork.http;

import loopwork.core.metrics.Counter;

/**
 * HTTP counters of one handler: an accept loop's, a worker's loop's or a worker's blocking side's (see
 * {@link HttpProtocol#stats()} and the like). Each count only grows, from 0 when the kit is built.
 *
 * <p>Not thread-safe: written by its handler's thread only (asserted once that thread has claimed them); any
 * thread may read them, seeing recent values that never tear.
 */
public final class HttpStats {
    private final Counter requests = new Counter();
    private final Counter responses1xx = new Counter();
    private final Counter responses2xx = new Counter();
    private final Counter responses3xx = new Counter();
    private final Counter responses4xx = new Counter();
    private final Counter responses5xx = new Counter();
    private final Counter overflows = new Counter();
    private final Counter timeouts = new Counter();
    private final Counter badBodies = new Counter();
    /** The thread that writes these counters, once it has used them; read by asserts only. */
    private Thread writer;

    private final RequestDurations durations;
    /** The index of the loop or worker whose handler writes them. */
    private final int index;
    /** The handler's body buffers, for their free count. */
    private BodyBuffers bodyBuffers;

    /** Counters with no route's request durations: for tests of what does not route. */
    HttpStats() {
        this(0, 0);
    }

    /**
     * Made by the protocol, one per handler, with a request-duration histogram for each of its {@code routes}
     * and one for unmatched requests, for the loop or worker numbered {@code index}; others read them through
     * {@link HttpProtocol#stats()}.
     */
    HttpStats(int routes, int index) {
        durations = new RequestDurations(routes + 1);
        this.index = index;
    }

    /** {@return the index of the loop or worker whose handler writes them (a worker's virtual threads': its)} */
    public int index() {
        return index;
    }

    /**
     * For asserts, on the thread of the handler these counters belong to: the first such call names that
     * thread their writer ({@link Counter#writer}); returns whether the caller is it (or it no longer runs).
     */
    boolean claimedBy(Thread thread) {
        if (writer == null) {
            writer = thread;
            for (Counter counter : new Counter[] {requests, responses1xx, responses2xx, responses3xx, responses4xx,
                    responses5xx, overflows, timeouts, badBodies}) {
                counter.writer(thread);
            }
        }
        return writer == thread || !writer.isAlive();
    }

    void bodyBuffers(BodyBuffers buffers) {
        bodyBuffers = buffers;
    }

    /** {@return the handler's body buffers, small and large ({@link BodyMode#WHOLE}); 0 on a blocking side} */
    public int bodyBuffers() {
        return bodyBuffers == null ? 0 : bodyBuffers.capacity();
    }

    /** {@return the body buffers free now: all of them between requests, which a test checks after its last one} */
    public int bodyBuffersFree() {
        return bodyBuffers == null ? 0 : bodyBuffers.free();
    }

    /** Large body buffers free now (a test's check of the class a body took). */
    int largeBodyBuffersFree() {
        return bodyBuffers == null ? 0 : bodyBuffers.freeLarge();
    }

    void requested() {
        requests.increment();
    }

    /** An answer sent, final or interim (a 100 Continue), counted by its status class. */
    void responded(int status) {
        if (status >= 500) {
            responses5xx.increment();
        } else if (status >= 400) {
            responses4xx.increment();
        } else if (status >= 300) {
            responses3xx.increment();
        } else if (status >= 200) {
            responses2xx.increment();
        } else {
            responses1xx.increment();
        }
    }

    /** A request of route {@code route} (the routes' count for an unmatched one) was answered after {@code ns}. */
    void answered(int route, long ns) {
        durations.record(route, ns);
    }

    void overflowed() {
        overflows.increment();
    }

    void timedOut() {
        timeouts.increment();
    }

    void bodyFailed() {
        badBodies.increment();
    }

    /** {@return the connections closed by a header, body, idle or write timeout} */
    public long timeouts() {
        return timeouts.get();
    }

    /**
     * {@return the connections closed, with no second answer, because the body of a request already answered had
     * bad chunk framing or ran over the body limit}
     */
    public long badBodies() {
        return badBodies.get();
    }

    /** {@return the requests parsed and routed (a 404 or 405 included; one refused as malformed not)} */
    public long requests() {
        return requests.get();
    }

    /** {@return the interim answers: each a 100 Continue, sent before reading a body the client waits to send} */
    public long responses1xx() {
        return responses1xx.get();
    }

    /** {@return the answers with a 2xx status, sent whole or begun (a body written in pieces counts once)} */
    public long responses2xx() {
        return responses2xx.get();
    }

    /** {@return the answers with a 3xx status, counted as {@link #responses2xx} are} */
    public long responses3xx() {
        return responses3xx.get();
    }

    /** {@return the answers with a 4xx status: the routes' and the kit's own (400, 404, 405, 408, 413 ...)} */
    public long responses4xx() {
        return responses4xx.get();
    }

    /** {@return the answers with a 5xx status: the routes', and the kit's 500 for a route that failed and 503s} */
    public long responses5xx() {
        return responses5xx.get();
    }

    /**
     * {@return the answers dropped, with their connection, because they did not fit the output buffer and no
     * body buffer was free to hold them}
     */
    public long overflows() {
        return overflows.get();
    }

    /**
     * {@return the request durations per route, in the order of {@link HttpProtocol#routePaths()}, unmatched
     * requests last: a live view, the same object at every call}
     */
    public RequestDurations durations() {
        return durations;
    }
}
