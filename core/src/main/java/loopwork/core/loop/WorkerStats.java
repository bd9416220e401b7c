package loopwork.core.worker;

import loopwork.core.metrics.Counter;

/**
 * A worker's counters. Not thread-safe: written by its worker thread only; any thread may read them.
 */
public final class WorkerStats {
    private final Counter tasksRun = new Counter();
    private final Counter tasksFailed = new Counter();
    private volatile long threadId = -1;

    void ran() {
        tasksRun.increment();
    }

    void failed() {
        tasksFailed.increment();
    }

    void threadId(long id) {
        threadId = id;
    }

    public long tasksRun() {
        return tasksRun.get();
    }

    public long tasksFailed() {
        return tasksFailed.get();
    }

    /** The worker thread's id, for per-thread allocation counters; -1 before it starts. */
    public long threadId() {
        return threadId;
    }
}
