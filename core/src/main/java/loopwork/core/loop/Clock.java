package loopwork.core.loop;

/**
 * Where a loop reads the time: monotonic milliseconds, for timers and the queue timeout, and nanoseconds for how
 * long a worker's blocking handler waited for its peer. Loops take one when they are made, so a test can drive
 * them with a clock it moves by hand ({@link ManualClock}, as Aeron's tests drive its agents).
 *
 * <p>Implementations are called by the loop's own thread only.
 */
public interface Clock {

    /** The system's monotonic clock ({@link System#nanoTime()}). */
    Clock SYSTEM = new Clock() {
        @Override
        public long nowMs() {
            return System.nanoTime() / 1_000_000;
        }

        @Override
        public long nowNs() {
            return System.nanoTime();
        }
    };

    long nowMs();

    /** The same clock in nanoseconds; by default {@link #nowMs()}'s millisecond, which is all a manual clock has. */
    default long nowNs() {
        return nowMs() * 1_000_000;
    }
}
