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

    LoopClock(Clock clock) {
        this.clock = clock;
        this.cycleMs = clock.nowMs();
    }

    /** The clock as of this cycle's last read: when the events being handled arrived. Timers count from it. */
    long cycleMs() {
        return cycleMs;
    }

    /** Reads the clock anew for what the cycle does from here. */
    long read() {
        return cycleMs = clock.nowMs();
    }

    /** The clock now, without changing the cycle's time. */
    long nowMs() {
        return clock.nowMs();
    }
}
