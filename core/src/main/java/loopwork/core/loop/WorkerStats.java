package loopwork.core.loop;

import loopwork.core.metrics.Counter;

/**
 * A worker's counters. Not thread-safe: written by its worker thread only; any thread may read them.
 */
public final class WorkerStats {
    final Counter tasksRun = new Counter();
    final Counter tasksFailed = new Counter();
    final Counter handOffs = new Counter();
    final Counter moves = new Counter();
    final Counter held = new Counter();
    final Counter handlerErrors = new Counter();
    final Counter handOffTimeouts = new Counter();
    private volatile long threadId = -1;

    void threadId(long id) {
        threadId = id;
    }

    public long tasksRun() {
        return tasksRun.get();
    }

    public long tasksFailed() {
        return tasksFailed.get();
    }

    /** Connections handed to this worker to be served with blocking I/O. */
    public long handOffs() {
        return handOffs.get();
    }

    /** Connections moved into this worker's event loop. */
    public long moves() {
        return moves.get();
    }

    /** Connections this worker serves now, blocking or moved. */
    public long held() {
        return held.get();
    }

    /** Handler calls (loop or blocking) that threw on this worker; each closed its connection. */
    public long handlerErrors() {
        return handlerErrors.get();
    }

    /** Hand-offs closed because the peer stalled or kept a slower pace than the kit's HandOffLimits allow. */
    public long handOffTimeouts() {
        return handOffTimeouts.get();
    }

    /** The worker thread's id, for per-thread allocation counters; -1 before it starts. */
    public long threadId() {
        return threadId;
    }
}
