package loopwork.core.loop;

import loopwork.core.metrics.Counter;

/**
 * A loop's counters. Not thread-safe: written by its event loop only (asserted:
 * see {@link Counter#writer}); any thread may read them.
 */
public final class LoopStats {
    final Counter accepted = new Counter();
    final Counter rejected = new Counter();
    final Counter acceptErrors = new Counter();
    final Counter open = new Counter();
    final Counter closed = new Counter();
    final Counter away = new Counter();
    final Counter poolFree = new Counter();
    final Counter deferringAccept = new Counter();
    final ScopeCounters counters = new ScopeCounters();
    private final int capacity;
    private volatile long threadId = -1;

    LoopStats(int capacity) {
        this.capacity = capacity;
        poolFree.set(capacity);
    }

    void threadId(long id) {
        threadId = id;
    }

    /** Names the loop's thread as the writer of every counter here (see {@link Counter#writer}). */
    void writer(Thread thread) {
        for (Counter counter : new Counter[] {accepted, rejected, acceptErrors, open, closed, away, poolFree,
                deferringAccept}) {
            counter.writer(thread);
        }
        counters.writer(thread);
    }

    /** Connections accepted into a context. */
    public long accepted() {
        return accepted.get();
    }

    /** Connections refused because the pool was empty. */
    public long rejected() {
        return rejected.get();
    }

    /** Accepts that failed (no file descriptors left, typically); accepting paused briefly after each. */
    public long acceptErrors() {
        return acceptErrors.get();
    }

    /** Connections open now. */
    public long open() {
        return open.get();
    }

    /** Connections closed, by either side. */
    public long closed() {
        return closed.get();
    }

    /** Connections of this loop served by workers now (handed off or moved). */
    public long away() {
        return away.get();
    }

    /** Contexts in the pool now; equals {@link #capacity()} when every context has come back. */
    public long poolFree() {
        return poolFree.get();
    }

    /** 1 while the loop's listener holds connections back until their first bytes (TCP_DEFER_ACCEPT), else 0. */
    public long deferringAccept() {
        return deferringAccept.get();
    }

    public int capacity() {
        return capacity;
    }

    /** Handler calls that threw; each closed its connection. */
    public long handlerErrors() {
        return counters.handlerErrors.get();
    }

    /** Tasks committed to workers (or run inline with no workers). */
    public long tasksOffloaded() {
        return counters.tasksOffloaded.get();
    }

    /**
     * Claims of a worker refused: for a task, a hand-off or a move, every worker slot was taken, or the
     * loop's in-flight cap was reached.
     */
    public long tasksRefused() {
        return counters.tasksRefused.get();
    }

    /** Task completions taken back from the mailbox. */
    public long tasksCompleted() {
        return counters.tasksCompleted.get();
    }

    /** Tasks and hand-offs dropped unstarted after waiting for a worker longer than the queue timeout. */
    public long queueTimeouts() {
        return counters.queueTimeouts.get();
    }

    /** Task claims a handler left open when its call returned (it threw, or forgot to commit), given back. */
    public long claimsAborted() {
        return counters.claimsAborted.get();
    }

    /** Times a connection's input buffer was full of bytes its handler left unconsumed. */
    public long inputFull() {
        return counters.inputFull.get();
    }

    /** Writes refused with an exception because they could never fit a connection's output buffer. */
    public long oversizedWrites() {
        return counters.oversizedWrites.get();
    }

    /** The loop thread's id, for per-thread allocation counters; -1 before it starts. */
    public long threadId() {
        return threadId;
    }
}
