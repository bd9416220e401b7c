package loopwork.core;

import loopwork.core.metrics.Counter;

/**
 * A protocol's own counter on one loop or worker, shown beside the kit's ({@link Kit#protocolCounters()}): made
 * with {@link CounterRegistry#counter} when the protocol makes that thread's handler, incremented by that
 * handler, read by anyone. Counting allocates nothing and costs a plain store.
 *
 * <pre>{@code
 * public ConnectionHandler newHandler(LoopInfo loop, CounterRegistry counters) {
 *     return new RespHandler(counters.counter("resp.commands"), counters.counter("resp.errors"));
 * }
 * ...
 * long commands = 0;
 * for (LoopCounter c : kit.protocolCounters()) {
 *     if (c.name().equals("resp.commands")) {
 *         commands += c.value();                 // summed over loops and workers
 *     }
 * }
 * }</pre>
 *
 * <p>Not thread-safe for writers: written only by the thread of the handler it was made for (the loop's; for a
 * {@link LoopInfo.Role#WORKER_BLOCKING} handler, its worker's, or with {@link SyncThreads#VIRTUAL} the one virtual
 * thread it serves hand-offs on, as each of a worker's virtual threads has a handler of its own); {@link #value()}
 * may be read from any thread, and sees a recent value, never a torn one.
 */
public final class LoopCounter {

    private final String name;
    private final LoopInfo loop;
    private final Counter counter = new Counter();

    LoopCounter(String name, LoopInfo loop) {
        this.name = name;
        this.loop = loop;
    }

    /** {@return the name it was registered with; the same on every thread for one figure} */
    public String name() {
        return name;
    }

    /** {@return the loop or worker whose handler writes it} */
    public LoopInfo loop() {
        return loop;
    }

    /** Adds one, on the writing thread. */
    public void increment() {
        counter.increment();
    }

    /**
     * Adds {@code delta}, on the writing thread.
     *
     * @param delta what to add; negative for a gauge that goes down
     */
    public void add(long delta) {
        counter.add(delta);
    }

    /** {@return the value now, read from any thread: recent, never torn} */
    public long value() {
        return counter.get();
    }
}
