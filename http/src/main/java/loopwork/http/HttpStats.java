package loopwork.http;

import loopwork.core.metrics.Counter;

/**
 * HTTP counters of one loop. Not thread-safe: written by its event loop only (asserted once that thread has
 * claimed them, see {@link #claimedBy}); any thread may read them.
 */
public final class HttpStats {
    private final Counter requests = new Counter();
    private final Counter responses2xx = new Counter();
    private final Counter responses4xx = new Counter();
    private final Counter responses5xx = new Counter();
    private final Counter overflows = new Counter();
    private final Counter timeouts = new Counter();
    private final Counter badBodies = new Counter();
    /** The thread that writes these counters, once it has used them; read by asserts only. */
    private Thread writer;

    /** Made by the protocol, one per handler; others read them through {@link HttpProtocol#stats()}. */
    HttpStats() {
    }

    /**
     * For asserts, on the thread of the handler these counters belong to: the first such call names that
     * thread their writer ({@link Counter#writer}); returns whether the caller is it (or it no longer runs).
     */
    boolean claimedBy(Thread thread) {
        if (writer == null) {
            writer = thread;
            for (Counter counter : new Counter[] {requests, responses2xx, responses4xx, responses5xx, overflows,
                    timeouts, badBodies}) {
                counter.writer(thread);
            }
        }
        return writer == thread || !writer.isAlive();
    }

    void requested() {
        requests.increment();
    }

    void responded(int status) {
        if (status >= 500) {
            responses5xx.increment();
        } else if (status >= 400) {
            responses4xx.increment();
        } else {
            responses2xx.increment();
        }
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

    public long responses2xx() {
        return responses2xx.get();
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
}
