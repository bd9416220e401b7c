package loopwork.core.loop;

import loopwork.core.metrics.Counter;

/**
 * A loop's counters. Not thread-safe: written by its event loop only; any thread may read them.
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
    final Counter handlerErrors = new Counter();
    final Counter tasksOffloaded = new Counter();
    final Counter tasksRefused = new Counter();
    final Counter tasksCompleted = new Counter();
    private final int capacity;
    private volatile long threadId = -1;

    LoopStats(int capacity) {
        this.capacity = capacity;
        poolFree.set(capacity);
    }

    void threadId(long id) {
        threadId = id;
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
        return handlerErrors.get();
    }

    /** Tasks committed to workers (or run inline with no workers). */
    public long tasksOffloaded() {
        return tasksOffloaded.get();
    }

    /** Task claims refused: every worker slot taken, or the loop's in-flight cap reached. */
    public long tasksRefused() {
        return tasksRefused.get();
    }

    /** Task completions taken back from the mailbox. */
    public long tasksCompleted() {
        return tasksCompleted.get();
    }

    /** The loop thread's id, for per-thread allocation counters; -1 before it starts. */
    public long threadId() {
        return threadId;
    }
}
