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

    /** Connections accepted into a context. */
    long accepted();

    /** Connections refused because the pool was empty. */
    long rejected();

    /** Accepts that failed (no file descriptors left, typically); accepting paused briefly after each. */
    long acceptErrors();

    /** Connections open now. */
    long open();

    /** Connections closed, by either side. */
    long closed();

    /** Connections of this loop served by workers now (handed off or moved). */
    long away();

    /** Contexts in the pool now; equals {@link #capacity()} when every context has come back. */
    long poolFree();

    /** 1 while the loop's listener holds connections back until their first bytes (TCP_DEFER_ACCEPT), else 0. */
    long deferringAccept();

    /** Contexts preallocated for this loop: the most connections it holds at once. */
    int capacity();

    /** Handler calls that threw; each closed its connection. */
    long handlerErrors();

    /** Tasks committed to workers (or run inline with no workers). */
    long tasksOffloaded();

    /**
     * Claims of a worker refused: for a task, a hand-off or a move, every worker slot was taken, or the
     * loop's in-flight cap was reached.
     */
    long tasksRefused();

    /** Task completions taken back from the mailbox. */
    long tasksCompleted();

    /** Tasks and hand-offs dropped unstarted after waiting for a worker longer than the queue timeout. */
    long queueTimeouts();

    /** Task claims a handler left open when its call returned (it threw, or forgot to commit), given back. */
    long claimsAborted();

    /** Times a connection's input buffer was full of bytes its handler left unconsumed. */
    long inputFull();

    /** Writes refused with an exception because they could never fit a connection's output buffer. */
    long oversizedWrites();

    /** The loop thread's id, for per-thread allocation counters; -1 before it starts. */
    long threadId();
}
