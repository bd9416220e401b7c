package loopwork.core;

/**
 * A worker's counters, as {@link Kit#workerStats()} shows them: a live, read-only view (each call reads the
 * counters now; nothing is copied or allocated). A worker is two threads, its blocking side (tasks and
 * hand-offs) and its own event loop (connections moved to it); where both contribute, a figure adds the two.
 *
 * <p>Thread-safe: each counter is written by one of the worker's two threads only and may be read from any
 * thread; a reader sees a recent value, never a torn one.
 */
public interface WorkerStatistics {

    /** {@return the tasks run, including those that threw, a total since the kit was built} */
    long tasksRun();

    /** {@return the tasks that threw, a total} */
    long tasksFailed();

    /** {@return the connections handed to this worker to be served with blocking I/O, a total} */
    long handOffs();

    /** {@return the connections moved into this worker's event loop, a total} */
    long moves();

    /** {@return the connections this worker serves now, blocking or moved: a gauge} */
    long held();

    /** {@return the handler calls (loop or blocking) that threw on this worker, a total; each closed its connection} */
    long handlerErrors();

    /**
     * {@return the hand-offs closed because the peer stalled or kept a slower pace than the kit's
     * {@link HandOffLimits} allow, a total}
     */
    long handOffTimeouts();

    /** {@return the claims of a worker refused for connections moved here (their tasks), a total} */
    long tasksRefused();

    /**
     * {@return the tasks of connections moved here dropped unstarted after waiting longer than the queue
     * timeout, a total}
     */
    long queueTimeouts();

    /** {@return the task claims left open by this worker's loop handlers, given back, a total} */
    long claimsAborted();

    /** {@return the times a moved connection's input buffer was full of bytes its handler left unconsumed} */
    long inputFull();

    /**
     * {@return the writes refused with an exception because they could never fit a moved connection's output
     * buffer, a total}
     */
    long oversizedWrites();

    /** {@return the worker's blocking thread's id, for per-thread allocation counters; -1 before it starts} */
    long threadId();

    /** {@return the worker's loop thread's id, for per-thread allocation counters; -1 before it starts} */
    long loopThreadId();
}
