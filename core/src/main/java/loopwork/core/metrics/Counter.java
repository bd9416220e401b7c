package loopwork.core.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A counter one thread writes and any thread reads. Not thread-safe for writers: owned by one thread
 * (a loop or a worker); {@link #get()} may be called from any thread. Once told its {@link #writer}, a
 * counter asserts that only that thread writes it while it runs (checked with {@code -ea}, as in the tests).
 *
 * <p>Opaque access: the writer needs no fence (a plain store on x86), and a reader sees a recent value
 * that never tears. Metrics need nothing stronger.
 */
public final class Counter {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(Counter.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private long value;
    /** The only thread that may write while it runs; null when not said. Read only by asserts. */
    private Thread writer;

    /** A counter at 0 that any thread may write until its {@link #writer} is named. */
    public Counter() {
    }

    /**
     * Names the thread that writes this counter from now on: before that thread starts, so that it and the
     * thread that started it both see it. Until it starts, and after it ended, any thread may write.
     *
     * @param thread the writer, not yet started
     */
    public void writer(Thread thread) {
        writer = thread;
    }

    /** Adds one, on the writing thread. */
    public void increment() {
        assert writtenByWriter() : notWriter();
        VALUE.setOpaque(this, value + 1);
    }

    /**
     * Adds {@code delta}, on the writing thread.
     *
     * @param delta what to add; negative for a gauge that goes down
     */
    public void add(long delta) {
        assert writtenByWriter() : notWriter();
        VALUE.setOpaque(this, value + delta);
    }

    /**
     * Sets the value, on the writing thread: for a gauge read from elsewhere.
     *
     * @param newValue the value from now on
     */
    public void set(long newValue) {
        assert writtenByWriter() : notWriter();
        VALUE.setOpaque(this, newValue);
    }

    private boolean writtenByWriter() {
        Thread owner = writer;
        return owner == null || owner == Thread.currentThread() || !owner.isAlive();
    }

    private String notWriter() {
        return "counter written by " + Thread.currentThread().getName() + ", whose writer is " + writer.getName();
    }

    /** {@return the value now, read from any thread: recent, never torn} */
    public long get() {
        return (long) VALUE.getOpaque(this);
    }
}
