package loopwork.core.loop;

/**
 * Where a loop reads the time: monotonic milliseconds, for timers and the queue timeout. Loops take one when
 * they are made, so a test can drive them with a clock it moves by hand (as Aeron's tests drive its agents).
 *
 * <p>Implementations are called by the loop's own thread only.
 */
@FunctionalInterface
interface Clock {

    /** The system's monotonic clock ({@link System#nanoTime()}) in milliseconds. */
    Clock SYSTEM = () -> System.nanoTime() / 1_000_000;

    long nowMs();
}
