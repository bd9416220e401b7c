package loopwork.core.loop;

import loopwork.core.LoopStatistics;
import loopwork.core.metrics.Counter;

/**
 * A loop's counters, written here and read through {@link LoopStatistics}, the API's read-only view.
 *
 * <p>Not thread-safe: written by its event loop only (asserted: see {@link Counter#writer}); any thread may
 * read them.
 */
public final class LoopStats implements LoopStatistics {
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

    @Override
    public long accepted() {
        return accepted.get();
    }

    @Override
    public long rejected() {
        return rejected.get();
    }

    @Override
    public long acceptErrors() {
        return acceptErrors.get();
    }

    @Override
    public long open() {
        return open.get();
    }

    @Override
    public long closed() {
        return closed.get();
    }

    @Override
    public long away() {
        return away.get();
    }

    @Override
    public long poolFree() {
        return poolFree.get();
    }

    @Override
    public long deferringAccept() {
        return deferringAccept.get();
    }

    @Override
    public int capacity() {
        return capacity;
    }

    @Override
    public long handlerErrors() {
        return counters.handlerErrors.get();
    }

    @Override
    public long tasksOffloaded() {
        return counters.tasksOffloaded.get();
    }

    @Override
    public long tasksRefused() {
        return counters.tasksRefused.get();
    }

    @Override
    public long tasksCompleted() {
        return counters.tasksCompleted.get();
    }

    @Override
    public long queueTimeouts() {
        return counters.queueTimeouts.get();
    }

    @Override
    public long claimsAborted() {
        return counters.claimsAborted.get();
    }

    @Override
    public long inputFull() {
        return counters.inputFull.get();
    }

    @Override
    public long oversizedWrites() {
        return counters.oversizedWrites.get();
    }

    @Override
    public long threadId() {
        return threadId;
    }
}
