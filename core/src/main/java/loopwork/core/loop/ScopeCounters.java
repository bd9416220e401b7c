package loopwork.core.loop;

import loopwork.core.metrics.Counter;

/**
 * The counters of one thread that serves connections (an accept loop, a worker's loop or a worker's
 * blocking side): what its handlers and its task offload did.
 *
 * <p>Not thread-safe: written by the one thread serving connections it belongs to; any thread may read them.
 */
final class ScopeCounters {
    /** Handler calls that threw; each closed its connection. */
    final Counter handlerErrors = new Counter();
    /** Tasks committed to workers (or run inline with no workers). */
    final Counter tasksOffloaded = new Counter();
    /** Claims of a worker slot refused (a task, a hand-off or a move): every slot taken, or the in-flight cap. */
    final Counter tasksRefused = new Counter();
    /** Task completions taken back. */
    final Counter tasksCompleted = new Counter();
    /** Tasks and hand-offs dropped unstarted after waiting longer than the queue timeout. */
    final Counter queueTimeouts = new Counter();
    /** Task claims a handler left open when its call returned, given back by the kit. */
    final Counter claimsAborted = new Counter();
    /** Times a connection's input buffer was full of bytes its handler left unconsumed. */
    final Counter inputFull = new Counter();
    /** Writes refused because they could never fit the connection's output buffer. */
    final Counter oversizedWrites = new Counter();

    /** Names the thread that writes these counters (see {@link Counter#writer}). */
    void writer(Thread thread) {
        for (Counter counter : new Counter[] {handlerErrors, tasksOffloaded, tasksRefused, tasksCompleted,
                queueTimeouts, claimsAborted, inputFull, oversizedWrites}) {
            counter.writer(thread);
        }
    }
}
