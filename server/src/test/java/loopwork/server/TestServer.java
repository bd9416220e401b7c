package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import loopwork.core.LoopStatistics;
import loopwork.core.SyncThreads;
import loopwork.core.Transport;
import loopwork.http.HttpProtocol;

/**
 * An in-process server on 127.0.0.1 and a free port, for tests; closing it first checks that every
 * context came back to its pool (the invariant every server test ends on).
 */
final class TestServer implements AutoCloseable {

    final LoopworkServer server;

    private TestServer(LoopworkServer server) {
        this.server = server;
    }

    static TestServer start(int acceptThreads, int capacity, int workers, int slowMs) throws IOException {
        return new TestServer(LoopworkServer.start("127.0.0.1", 0, acceptThreads, capacity, workers, slowMs, 1024,
                null));
    }

    /** As {@link #start(int, int, int, int)}, with {@code syncThreads} serving hand-offs. */
    static TestServer start(int acceptThreads, int capacity, int workers, int slowMs, SyncThreads syncThreads)
            throws IOException {
        return new TestServer(LoopworkServer.start(new ServerOptions.Settings("127.0.0.1", 0, acceptThreads,
                capacity, workers, slowMs, LoopworkServer.SlowMode.TASK, 1024, ServerOptions.DEFAULT_MAX_HEAD,
                loopwork.http.HttpLimits.DEFAULTS, ServerOptions.DEFAULT_HANDOFF_MIN_RATE,
                (int) loopwork.core.KitBuilder.DEFAULT_QUEUE_TIMEOUT_MS, Transport.preferred(), 0, false, false,
                false, null, null, ServerOptions.DEFAULT_DRAIN_TIMEOUT_SECONDS, 0, null,
                HttpProtocol.DEFAULT_BODY_BUFFERS, HttpProtocol.DEFAULT_LARGE_BODY_BUFFERS, syncThreads), null));
    }

    /** One loop, one worker, 1 ms of slow work, and these HTTP limits. */
    static TestServer start(int capacity, loopwork.http.HttpLimits limits) throws IOException {
        return start(capacity, limits, 0);
    }

    /** One loop with 16 contexts, one worker, {@code slowMs} of slow work, and these HTTP limits. */
    static TestServer startSlow(int slowMs, loopwork.http.HttpLimits limits) throws IOException {
        return startOneLoop(16, slowMs, limits, 0, false, ServerOptions.DEFAULT_HANDOFF_MIN_RATE);
    }

    /**
     * One loop with 16 contexts and one worker with {@code taskSlots} slots, {@code slowMs} of slow work, and
     * this --queue-timeout; hand-offs on the worker's own thread, so that one holds it busy.
     */
    static TestServer startQueued(int slowMs, int taskSlots, int queueTimeoutMs) throws IOException {
        return new TestServer(LoopworkServer.start(new ServerOptions.Settings("127.0.0.1", 0, 1, 16, 1, slowMs,
                LoopworkServer.SlowMode.TASK, taskSlots, ServerOptions.DEFAULT_MAX_HEAD,
                loopwork.http.HttpLimits.DEFAULTS, ServerOptions.DEFAULT_HANDOFF_MIN_RATE, queueTimeoutMs,
                Transport.preferred(), 0, false, false, false, null, null, ServerOptions.DEFAULT_DRAIN_TIMEOUT_SECONDS,
                0, null, HttpProtocol.DEFAULT_BODY_BUFFERS, HttpProtocol.DEFAULT_LARGE_BODY_BUFFERS, SyncThreads.PLATFORM),
                null));
    }

    /** One loop with 16 contexts, one worker, these HTTP limits and this --handoff-min-rate. */
    static TestServer startPaced(loopwork.http.HttpLimits limits, int handOffMinRate) throws IOException {
        return startOneLoop(16, 1, limits, 0, false, handOffMinRate);
    }

    /** As {@link #startPaced(loopwork.http.HttpLimits, int)}, with {@code syncThreads} serving hand-offs. */
    static TestServer startPaced(loopwork.http.HttpLimits limits, int handOffMinRate, SyncThreads syncThreads)
            throws IOException {
        return new TestServer(LoopworkServer.start(new ServerOptions.Settings("127.0.0.1", 0, 1, 16, 1, 1,
                LoopworkServer.SlowMode.TASK, 1024, ServerOptions.DEFAULT_MAX_HEAD, limits, handOffMinRate,
                (int) loopwork.core.KitBuilder.DEFAULT_QUEUE_TIMEOUT_MS, Transport.preferred(), 0, false, false,
                false, null, null, ServerOptions.DEFAULT_DRAIN_TIMEOUT_SECONDS, 0, null,
                HttpProtocol.DEFAULT_BODY_BUFFERS, HttpProtocol.DEFAULT_LARGE_BODY_BUFFERS, syncThreads), null));
    }

    /** As {@link #start(int, loopwork.http.HttpLimits)}, accepting connections once their request arrived (epoll). */
    static TestServer start(int capacity, loopwork.http.HttpLimits limits, int deferAcceptSeconds)
            throws IOException {
        return startOneLoop(capacity, 1, limits, deferAcceptSeconds, false, ServerOptions.DEFAULT_HANDOFF_MIN_RATE);
    }

    /**
     * One loop and {@code capacity} contexts, deferring accepts while connections come faster than their
     * requests, as {@code --defer-accept auto} does.
     */
    static TestServer startDeferringByLoad(int capacity) throws IOException {
        return startOneLoop(capacity, 1, loopwork.http.HttpLimits.DEFAULTS, ServerOptions.AUTO_DEFER_SECONDS, true,
                ServerOptions.DEFAULT_HANDOFF_MIN_RATE);
    }

    /** One accept loop and one worker in task mode, with these settings and the rest the program's defaults. */
    private static TestServer startOneLoop(int capacity, int slowMs, loopwork.http.HttpLimits limits,
            int deferAcceptSeconds, boolean deferAdaptively, int handOffMinRate) throws IOException {
        return new TestServer(LoopworkServer.start(new ServerOptions.Settings("127.0.0.1", 0, 1, capacity, 1, slowMs,
                LoopworkServer.SlowMode.TASK, 1024, ServerOptions.DEFAULT_MAX_HEAD, limits,
                handOffMinRate, (int) loopwork.core.KitBuilder.DEFAULT_QUEUE_TIMEOUT_MS, Transport.preferred(),
                deferAcceptSeconds, deferAdaptively, false, false, null, null), null));
    }

    int port() {
        return server.port();
    }

    List<LoopStatistics> loops() {
        return server.kit().loopStats();
    }

    long accepted() {
        return loops().stream().mapToLong(LoopStatistics::accepted).sum();
    }

    long rejected() {
        return loops().stream().mapToLong(LoopStatistics::rejected).sum();
    }

    /**
     * Waits (bounded) until every pool is full again, then asserts it on what the wait saw last: reading the
     * counters again could find a connection the loop accepted since, one a client opened and reset before the
     * loop took it, say.
     */
    void assertPoolsFull() throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        boolean full = poolsFull();
        while (!full && System.nanoTime() - deadline < 0) {
            Thread.sleep(10);
            full = poolsFull();
        }
        if (full) {
            return;
        }
        for (LoopStatistics loop : loops()) {
            assertThat(loop.poolFree()).as("free contexts of a loop's pool").isEqualTo(loop.capacity());
            assertThat(loop.open()).as("open connections").isZero();
        }
        for (loopwork.http.HttpStats http : server.httpStats()) {
            assertThat(http.bodyBuffersFree()).as("free body buffers of a loop").isEqualTo(http.bodyBuffers());
        }
    }

    /** Every context and every body buffer back in its loop's pool, no connection open. */
    private boolean poolsFull() {
        for (LoopStatistics loop : loops()) {
            if (loop.poolFree() != loop.capacity() || loop.open() != 0) {
                return false;
            }
        }
        for (loopwork.http.HttpStats http : server.httpStats()) {
            if (http.bodyBuffersFree() != http.bodyBuffers()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws InterruptedException {
        try {
            assertPoolsFull();
            for (LoopStatistics loop : loops()) {
                assertThat(loop.handlerErrors()).as("handler errors").isZero();
            }
            assertThat(server.kit().unexpectedFailures()).as("loop cycles failed on a bug").isZero();
            for (var worker : server.kit().workerStats()) {
                assertThat(worker.handlerErrors()).as("handler errors on workers").isZero();
            }
        } finally {
            server.close();
        }
    }
}
