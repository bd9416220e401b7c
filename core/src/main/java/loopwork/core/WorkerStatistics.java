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

    /** Tasks run, including those that threw. */
    long tasksRun();

    /** Tasks that threw. */
    long tasksFailed();

    /** Connections handed to this worker to be served with blocking I/O. */
    long handOffs();

    /** Connections moved into this worker's event loop. */
    long moves();

    /** Connections this worker serves now, blocking or moved. */
    long held();

    /** Handler calls (loop or blocking) that threw on this worker; each closed its connection. */
    long handlerErrors();

    /** Hand-offs closed because the peer stalled or kept a slower pace than the kit's {@link HandOffLimits} allow. */
    long handOffTimeouts();

    /** Claims of a worker refused for connections moved here (their tasks). */
    long tasksRefused();

    /** Tasks of connections moved here dropped unstarted after waiting longer than the queue timeout. */
    long queueTimeouts();

    /** Task claims left open by this worker's loop handlers, given back. */
    long claimsAborted();

    /** Times a moved connection's input buffer was full of bytes its handler left unconsumed. */
    long inputFull();

    /** Writes refused with an exception because they could never fit a moved connection's output buffer. */
    long oversizedWrites();

    /** The worker's blocking thread's id, for per-thread allocation counters; -1 before it starts. */
    long threadId();

    /** The worker's loop thread's id, for per-thread allocation counters; -1 before it starts. */
    long loopThreadId();
}
