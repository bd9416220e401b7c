package loopwork.core;

/**
 * An accept loop's counters, as {@link Kit#loopStats()} shows them: a live, read-only view (each call reads
 * the counter now; nothing is copied or allocated), for a metrics endpoint or a test.
 *
 * <pre>{@code
 * long open = 0;
 * for (LoopStatistics loop : kit.loopStats()) {
 *     open += loop.open();
 * }
 * }</pre>
 *
 * <p>Thread-safe: each counter is written by its loop's thread only and may be read from any thread; a
 * reader sees a recent value, never a torn one, and two counters read one after the other need not agree
 * with each other at any single instant.
 */
public interface LoopStatistics {

    /** {@return the connections accepted into a context, a total since the kit was built} */
    long accepted();

    /** {@return the connections refused (closed at once) because the pool had no free context, a total} */
    long rejected();

    /**
     * {@return the accepts that failed, a total} Typically no file descriptors were left; accepting paused
     * briefly after each.
     */
    long acceptErrors();

    /** {@return the connections open now, on this loop or away on a worker: a gauge} */
    long open();

    /** {@return the connections closed, by either side, a total} */
    long closed();

    /** {@return the connections of this loop served by workers now (handed off or moved): a gauge} */
    long away();

    /** {@return the contexts in the pool now: {@link #capacity()} when every context has come back} */
    long poolFree();

    /**
     * {@return 1 while the loop's listener holds connections back until their first bytes (TCP_DEFER_ACCEPT),
     * else 0}
     */
    long deferringAccept();

    /** {@return the contexts preallocated for this loop: the most connections it holds at once; fixed} */
    int capacity();

    /** {@return the handler calls that threw, a total; each closed its connection} */
    long handlerErrors();

    /** {@return the tasks committed to workers (or run inline when there are none), a total} */
    long tasksOffloaded();

    /**
     * {@return the claims of a worker refused, a total} For a task, a hand-off or a move, every worker slot
     * was taken, or the loop's in-flight cap was reached.
     */
    long tasksRefused();

    /** {@return the task completions taken back from the loop's mailbox, a total} */
    long tasksCompleted();

    /**
     * {@return the tasks and hand-offs dropped unstarted after waiting for a worker longer than the queue
     * timeout, a total}
     */
    long queueTimeouts();

    /**
     * {@return the task claims a handler left open when its call returned (it threw, or forgot to commit),
     * given back, a total}
     */
    long claimsAborted();

    /** {@return the times a connection's input buffer was full of bytes its handler left unconsumed, a total} */
    long inputFull();

    /**
     * {@return the writes refused with an exception because they could never fit a connection's output
     * buffer, a total}
     */
    long oversizedWrites();

    /** {@return the loop thread's id, for per-thread allocation counters; -1 before it starts} */
    long threadId();
}
