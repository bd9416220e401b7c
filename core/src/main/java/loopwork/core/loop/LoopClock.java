package loopwork.core.loop;

/**
 * A loop's time: its {@link Clock}, read once per cycle (when its poll returns, or when mail arrives), so that
 * one read serves every timer and connection the cycle handles. Reading the clock per request instead cost 2%
 * of a keep-alive load's CPU.
 *
 * <p>Not thread-safe: owned by its loop.
 */
final class LoopClock {

    private final Clock clock;
    private long cycleMs;
    /** The same read in nanoseconds, for durations finer than a millisecond (a request's, from one cycle to another). */
    private long cycleNs;

    LoopClock(Clock clock) {
        this.clock = clock;
        read();
    }

    /** The clock as of this cycle's last read: when the events being handled arrived. Timers count from it. */
    long cycleMs() {
        return cycleMs;
    }

    /** {@link #cycleMs()} in nanoseconds: the same read, with its full resolution. */
    long cycleNs() {
        return cycleNs;
    }

    /** Reads the clock anew for what the cycle does from here: once, in nanoseconds, whence the milliseconds. */
    long read() {
        cycleNs = clock.nowNs();
        return cycleMs = Math.floorDiv(cycleNs, 1_000_000L);
    }

    /** The clock now, without changing the cycle's time. */
    long nowMs() {
        return clock.nowMs();
    }

    /** {@link #nowMs()} in nanoseconds. */
    long nowNs() {
        return clock.nowNs();
    }
}
