package loopwork.core.loop;

import loopwork.core.WorkerStatistics;
import loopwork.core.metrics.Counter;

/**
 * A worker's counters, written here and read through {@link WorkerStatistics}, the API's read-only view. A
 * worker is two threads: its blocking side ({@link WorkerLoop}: tasks and hand-offs) and its own event loop
 * ({@link AsyncLoop}: connections moved to it); each counter has one of them as its only writer, and the
 * figures add the two up where both contribute.
 *
 * <p>Not thread-safe: each counter is written by one thread only, as marked (asserted: see
 * {@link Counter#writer}); any thread may read them.
 */
public final class WorkerStats implements WorkerStatistics {
    // Written by the worker's blocking side.
    final Counter tasksRun = new Counter();
    final Counter tasksFailed = new Counter();
    final Counter handOffs = new Counter();
    final Counter heldBlocking = new Counter();
    final Counter handOffTimeouts = new Counter();
    final ScopeCounters blocking = new ScopeCounters();
    // Written by the worker's loop.
    final Counter moves = new Counter();
    final Counter heldMoved = new Counter();
    final ScopeCounters moved = new ScopeCounters();
    private volatile long threadId = -1;
    private volatile long loopThreadId = -1;

    void threadId(long id) {
        threadId = id;
    }

    void loopThreadId(long id) {
        loopThreadId = id;
    }

    /** Names the worker's blocking thread as the writer of its counters (see {@link Counter#writer}). */
    void blockingWriter(Thread thread) {
        for (Counter counter : new Counter[] {tasksRun, tasksFailed, handOffs, heldBlocking, handOffTimeouts}) {
            counter.writer(thread);
        }
        blocking.writer(thread);
    }

    /** Names the worker's loop thread as the writer of its counters. */
    void loopWriter(Thread thread) {
        moves.writer(thread);
        heldMoved.writer(thread);
        moved.writer(thread);
    }

    @Override
    public long tasksRun() {
        return tasksRun.get();
    }

    @Override
    public long tasksFailed() {
        return tasksFailed.get();
    }

    @Override
    public long handOffs() {
        return handOffs.get();
    }

    @Override
    public long moves() {
        return moves.get();
    }

    @Override
    public long held() {
        return heldBlocking.get() + heldMoved.get();
    }

    @Override
    public long handlerErrors() {
        return blocking.handlerErrors.get() + moved.handlerErrors.get();
    }

    @Override
    public long handOffTimeouts() {
        return handOffTimeouts.get();
    }

    @Override
    public long tasksRefused() {
        return moved.tasksRefused.get();
    }

    @Override
    public long queueTimeouts() {
        return moved.queueTimeouts.get();
    }

    @Override
    public long claimsAborted() {
        return moved.claimsAborted.get();
    }

    @Override
    public long inputFull() {
        return moved.inputFull.get();
    }

    @Override
    public long oversizedWrites() {
        return moved.oversizedWrites.get();
    }

    @Override
    public long threadId() {
        return threadId;
    }

    @Override
    public long loopThreadId() {
        return loopThreadId;
    }
}
