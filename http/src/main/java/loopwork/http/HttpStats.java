package loopwork.http;

import loopwork.core.metrics.Counter;

/**
 * HTTP counters of one loop. Not thread-safe: written by its event loop only (asserted once that thread has
 * claimed them, see {@link #claimedBy}); any thread may read them.
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

    /** The index of the loop or worker whose handler writes them (a worker's virtual threads' handlers: its). */
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

    /** The handler's body buffers ({@link BodyMode#WHOLE}), each allocated on its first use. */
    public int bodyBuffers() {
        return bodyBuffers == null ? 0 : bodyBuffers.capacity();
    }

    /** Body buffers free now: all of them between requests, which a test checks after its last one. */
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

    /** Connections closed by a header, body, idle or write timeout. */
    public long timeouts() {
        return timeouts.get();
    }

    /**
     * Connections closed, with no second answer, because the body of a request already answered had bad
     * chunk framing or ran over the body limit.
     */
    public long badBodies() {
        return badBodies.get();
    }

    /** Requests parsed and routed. */
    public long requests() {
        return requests.get();
    }

    /** Interim answers: the 100 Continue sent before reading a body the client waits to send. */
    public long responses1xx() {
        return responses1xx.get();
    }

    public long responses2xx() {
        return responses2xx.get();
    }

    public long responses3xx() {
        return responses3xx.get();
    }

    public long responses4xx() {
        return responses4xx.get();
    }

    public long responses5xx() {
        return responses5xx.get();
    }

    /** Answers dropped, with their connection, because they did not fit the output buffer. */
    public long overflows() {
        return overflows.get();
    }

    /** Request durations per route, in the order of {@link HttpProtocol#routePaths()}, unmatched requests last. */
    public RequestDurations durations() {
        return durations;
    }
}
