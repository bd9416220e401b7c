package loopwork.core.loop;

import loopwork.core.metrics.Counter;

/**
 * A worker's counters. A worker is two threads: its blocking side ({@link WorkerLoop}: tasks and hand-offs)
 * and its own event loop ({@link AsyncLoop}: connections moved to it); each counter has one of them as its
 * only writer, and the figures below add the two up where both contribute.
 *
 * <p>Not thread-safe: each counter is written by one thread only, as marked (asserted: see
 * {@link Counter#writer}); any thread may read them.
 */
public final class WorkerStats {
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
        return heldBlocking.get() + heldMoved.get();
    }

    /** Handler calls (loop or blocking) that threw on this worker; each closed its connection. */
    public long handlerErrors() {
        return blocking.handlerErrors.get() + moved.handlerErrors.get();
    }

    /** Hand-offs closed because the peer stalled or kept a slower pace than the kit's HandOffLimits allow. */
    public long handOffTimeouts() {
        return handOffTimeouts.get();
    }

    /** Claims of a worker refused for connections moved here (their tasks). */
    public long tasksRefused() {
        return moved.tasksRefused.get();
    }

    /** Tasks of connections moved here dropped unstarted after waiting longer than the queue timeout. */
    public long queueTimeouts() {
        return moved.queueTimeouts.get();
    }

    /** Task claims left open by this worker's loop handlers, given back. */
    public long claimsAborted() {
        return moved.claimsAborted.get();
    }

    /** Times a moved connection's input buffer was full of bytes its handler left unconsumed. */
    public long inputFull() {
        return moved.inputFull.get();
    }

    /** Writes refused with an exception because they could never fit a moved connection's output buffer. */
    public long oversizedWrites() {
        return moved.oversizedWrites.get();
    }

    /** The worker's blocking thread's id, for per-thread allocation counters; -1 before it starts. */
    public long threadId() {
        return threadId;
    }

    /** The worker's loop thread's id, for per-thread allocation counters; -1 before it starts. */
    public long loopThreadId() {
        return loopThreadId;
    }
}
