package loopwork.core.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A counter one thread writes and any thread reads. Not thread-safe for writers: owned by one thread
 * (a loop or a worker); {@link #get()} may be called from any thread.
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

    public void increment() {
        VALUE.setOpaque(this, value + 1);
    }

    public void add(long delta) {
        VALUE.setOpaque(this, value + delta);
    }

    public void set(long newValue) {
        VALUE.setOpaque(this, newValue);
    }

    public long get() {
        return (long) VALUE.getOpaque(this);
    }
}
