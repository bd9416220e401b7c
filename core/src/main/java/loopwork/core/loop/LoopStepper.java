package loopwork.core.loop;

/**
 * Runs a kit's loops on the calling thread, their own threads never started, against a {@link ManualClock}: one
 * {@link #step()} is a cycle ({@link EventLoop#doWork()}) of each accept loop, then of each worker's blocking
 * side and its loop, in that order; {@link #runUntilIdle()} steps until a whole round did nothing, and
 * {@link #advanceMs} moves the clock through each deadline on the way, as a loop woken by its timers would.
 * The workers' blocking sides can be left out ({@link #pauseWorkers}), as if each ran a long task.
 * A loop that still has work after {@link #MAX_ROUNDS} rounds is a bug (work that makes more work for ever),
 * reported, not waited out. What {@link loopwork.core.ManualKit} drives.
 *
 * <p>Not thread-safe: owned by the thread stepping it, which owns the loops while their threads have not
 * started ({@link OwnerThread#isCurrent()}); they must never start.
 */
public final class LoopStepper {

    /** Rounds {@link #runUntilIdle()} takes at most. */
    public static final int MAX_ROUNDS = 10_000;

    private final AcceptLoop[] loops;
    private final WorkerLoop[] workers;
    private final ManualClock clock;
    /** The workers' blocking sides are not stepped, as if busy with a long task. */
    private boolean workersPaused;

    public LoopStepper(AcceptLoop[] loops, WorkerLoop[] workers, ManualClock clock) {
        this.loops = loops.clone();
        this.workers = workers.clone();
        this.clock = clock;
    }

    /** One cycle of every loop; returns the work they did (0: nothing was ready, due or in a mailbox). */
    public int step() {
        int work = 0;
        for (AcceptLoop loop : loops) {
            work += cycle(loop);
        }
        for (WorkerLoop worker : workers) {
            if (!workersPaused) {
                work += cycle(worker);
            }
            work += cycle(worker.loop);
        }
        return work;
    }

    /** While {@code paused}, the workers' blocking sides are not stepped; their loops are. */
    public void pauseWorkers(boolean paused) {
        workersPaused = paused;
    }

    private static int cycle(EventLoop loop) {
        if (loop.thread().getState() != Thread.State.NEW) {
            throw new IllegalStateException(loop.name() + " has a thread of its own: it cannot be stepped");
        }
        return loop.doWork();
    }

    /** Steps until a round does nothing; returns the work done. */
    public int runUntilIdle() {
        int total = 0;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            int work = step();
            if (work == 0) {
                return total;
            }
            total += work;
        }
        throw new IllegalStateException("the loops still had work after " + MAX_ROUNDS + " rounds");
    }

    /**
     * Moves the clock {@code ms} on and runs what falls due: to each timer's or queue deadline in turn, running
     * until idle at each (so a timer set by one that fired counts from when that one fired), then to the end.
     * Returns the work done.
     */
    public int advanceMs(long ms) {
        if (ms < 0) {
            throw new IllegalArgumentException("a monotonic clock cannot go back " + -ms + " ms");
        }
        long target = clock.nowMs() + ms;
        int work = runUntilIdle();
        while (target - clock.nowMs() > 0) {
            long next = nextDeadlineMs();
            clock.advanceTo(next - target < 0 ? next : target);
            work += runUntilIdle();
        }
        return work;
    }

    /**
     * When the first loop has something due (a timer or queue deadline), at least a millisecond from now: a
     * wheel's bucket can come up before the timer in it, due on a later lap. {@code Long.MAX_VALUE} with nothing.
     */
    private long nextDeadlineMs() {
        long now = clock.nowMs();
        long soonest = -1;
        for (AcceptLoop loop : loops) {
            soonest = sooner(soonest, loop.delayToNext(now));
        }
        for (WorkerLoop worker : workers) {
            soonest = sooner(soonest, worker.loop.delayToNext(now));
            soonest = sooner(soonest, worker.delayToNext(now)); // virtual hand-offs' waits for their peers
        }
        return soonest < 0 ? Long.MAX_VALUE : now + Math.max(1, soonest);
    }

    private static long sooner(long a, long b) {
        return a < 0 ? b : b < 0 ? a : Math.min(a, b);
    }

    /** Ends the loops as their threads would at stop: each closes what it still serves, its handler told. */
    public void close() {
        for (AcceptLoop loop : loops) {
            loop.onClose();
        }
        for (WorkerLoop worker : workers) {
            worker.onClose();
            worker.loop.onClose();
        }
    }
}
