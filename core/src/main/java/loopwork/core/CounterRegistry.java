package loopwork.core;

/**
 * Where a protocol makes its counters for one handler, while the kit is built: see {@link LoopCounter}.
 *
 * <p>Not thread-safe: used during {@link Protocol#newHandler(LoopInfo, CounterRegistry)}, on the main thread, or
 * (with {@link SyncThreads#VIRTUAL}) on a worker's thread as it makes the handler of a new virtual thread.
 */
public interface CounterRegistry {

    /**
     * A new counter named {@code name} for the handler being made, listed in {@link Kit#protocolCounters()}. The
     * same name on every loop and worker makes one figure per thread, to be summed.
     *
     * @param name the counter's name, as a metrics endpoint shows it ("resp.commands")
     * @return the counter, at 0, to be written by the handler being made only
     */
    LoopCounter counter(String name);
}
