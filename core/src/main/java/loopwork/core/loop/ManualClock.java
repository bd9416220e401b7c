package loopwork.core.loop;

/**
 * A {@link Clock} that moves only when told: the loops of a stepped kit read it, and the test moves it
 * ({@link LoopStepper#advanceMs}), so that a timer fires at the very millisecond it is due and not one before.
 * A worker's blocking handler waiting for its peer moves it too, by each wait's length ({@link #advance}, called
 * by the memory transport's blocking poller): in a stepped kit nothing else could happen while it waits.
 *
 * <p>Not thread-safe: owned by the thread stepping the loops.
 */
public final class ManualClock implements Clock {

    private long nowMs;

    public ManualClock(long startMs) {
        this.nowMs = startMs;
    }

    @Override
    public long nowMs() {
        return nowMs;
    }

    /** Moves the clock {@code ms} on; a negative {@code ms} is refused: the clock is monotonic. */
    public void advance(long ms) {
        if (ms < 0) {
            throw new IllegalArgumentException("a monotonic clock cannot go back " + -ms + " ms");
        }
        nowMs += ms;
    }

    /** Moves the clock on to {@code ms}, if it is not there yet. */
    void advanceTo(long ms) {
        if (ms - nowMs > 0) {
            nowMs = ms;
        }
    }
}
