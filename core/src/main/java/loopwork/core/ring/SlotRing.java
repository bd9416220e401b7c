package loopwork.core.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

import loopwork.core.TaskPayload;

/**
 * A bounded many-to-one ring of fixed-size slots, each a small header and a {@value TaskPayload#CAPACITY}-byte
 * payload, claimed, filled in place and committed (D. Vyukov's bounded queue: a sequence per slot tells
 * producers and the consumer whose turn the slot is). It carries tasks into a worker and completions
 * into an event loop. Claiming never blocks and never allocates: a full ring answers {@code -1}.
 *
 * <p>Thread-safe for producers: any thread may call {@link #tryClaim}, then fill and {@link #commit} the
 * slot it got. Consumer side ({@link #peek}, {@link #isEmpty}, {@link #release}) is owned by one thread,
 * the ring's owner; once told its {@link #consumer}, the ring asserts that (with {@code -ea}, as in the tests).
 */
public final class SlotRing extends SlotRingTail {

    /** Six header ints before the payload: what the message is, whose connection, which task, a status, who to answer. */
    public static final int HEADER_BYTES = 24;
    static final int SLOT_BYTES = HEADER_BYTES + TaskPayload.CAPACITY;

    private static final VarHandle SEQUENCE = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());
    private static final VarHandle STATE = MethodHandles.arrayElementVarHandle(long[].class);
    private static final VarHandle HEAD;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(SlotRing.class, "head", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int mask;
    /** sequence[i] == position: free for the producer claiming position; == position + 1: committed. */
    private final long[] sequence;
    private final byte[] slots;
    /**
     * Per slot, the one value a producer and the consumer may both change after the commit (who takes a
     * queued task: its worker, or its loop's deadline); apart from the bytes, as views of a byte[] have no
     * atomic updates.
     */
    private final long[] states;
    /** Consumer's next position; written by the owner only (opaque, as producers read it for {@link #backlog}). */
    private long head;
    /** The owner, the one thread that may consume while it runs; null when not said. Read only by asserts. */
    private Thread consumer;

    public SlotRing(int capacity) {
        // At 1, "committed" (position + 1) and "free for the next lap" (position + capacity) would be the same.
        if (capacity < 2 || Integer.bitCount(capacity) != 1) {
            throw new IllegalArgumentException("ring capacity must be a power of two of at least 2, not " + capacity);
        }
        mask = capacity - 1;
        sequence = new long[capacity];
        for (int i = 0; i < capacity; i++) {
            sequence[i] = i;
        }
        slots = new byte[capacity * SLOT_BYTES];
        states = new long[capacity];
    }

    public int capacity() {
        return mask + 1;
    }

    /**
     * Names the thread that consumes this ring, before it starts (so that it sees it). Until it starts, and
     * after it ended, any thread may consume: the one that built or stopped it owns it then.
     */
    public void consumer(Thread thread) {
        consumer = thread;
    }

    private boolean byConsumer() {
        Thread owner = consumer;
        return owner == null || owner == Thread.currentThread() || !owner.isAlive();
    }

    private String notConsumer(String what) {
        return what + " called on " + Thread.currentThread().getName() + ", not on its consumer " + consumer.getName();
    }

    /**
     * Claims the next slot for this producer.
     *
     * @return the slot's position, to fill and {@link #commit}, or -1 when the ring is full
     */
    public long tryClaim() {
        long position = tail();
        for (;;) {
            int index = (int) position & mask;
            // Acquire: the consumer's release of this slot happens-before our writes into it.
            long sequenceNow = (long) SEQUENCE.getAcquire(sequence, index);
            long lag = sequenceNow - position;
            if (lag == 0) {
                if (casTail(position, position + 1)) {
                    Arrays.fill(slots, offset(position), offset(position) + SLOT_BYTES, (byte) 0);
                    return position;
                }
                position = tail();
            } else if (lag < 0) {
                return -1;
            } else {
                position = tail();
            }
        }
    }

    /**
     * Makes a filled slot visible to the consumer. Volatile, not just release: a producer then reads the
     * consumer's "sleeping" flag, and that store-load pair must not be reordered (Dekker), or a wake-up is lost.
     */
    public void commit(long position) {
        SEQUENCE.setVolatile(sequence, (int) position & mask, position + 1);
    }

    /** Owner only: the position of the next committed slot, or -1 if there is none yet. */
    public long peek() {
        assert byConsumer() : notConsumer("peek");
        long sequenceNow = (long) SEQUENCE.getVolatile(sequence, (int) head & mask);
        return sequenceNow == head + 1 ? head : -1;
    }

    /**
     * Slots claimed and not yet released: what the consumer has still to take or is working on. Any thread;
     * from a producer, a snapshot that may be stale by the time it is used (good for choosing, not for rules).
     */
    public long backlog() {
        return tail() - (long) HEAD.getOpaque(this);
    }

    /** Owner only: whether a committed slot is waiting. */
    public boolean isEmpty() {
        assert byConsumer() : notConsumer("isEmpty");
        return peek() < 0;
    }

    /** Owner only: hands the slot at {@code position} (the one {@link #peek} gave) back to producers. */
    public void release(long position) {
        assert byConsumer() : notConsumer("release");
        assert position == head : "release out of order: " + position + " != " + head;
        // Release: our reads of the slot happen-before a producer refills it.
        SEQUENCE.setRelease(sequence, (int) position & mask, position + mask + 1);
        HEAD.setOpaque(this, position + 1);
    }

    public int header(long position, int field) {
        return (int) INT.get(slots, offset(position) + field * Integer.BYTES);
    }

    public void header(long position, int field, int value) {
        INT.set(slots, offset(position) + field * Integer.BYTES, value);
    }

    /** Sets the state of the slot at {@code position}, by its producer before the commit, which publishes it. */
    public void state(long position, long value) {
        states[(int) position & mask] = value;
    }

    /** The state of the slot at {@code position}, read with volatile semantics. */
    public long state(long position) {
        return (long) STATE.getVolatile(states, (int) position & mask);
    }

    /** Sets the slot's state to {@code value} if it is {@code expected}, atomically, with volatile semantics. */
    public boolean compareAndSetState(long position, long expected, long value) {
        return STATE.compareAndSet(states, (int) position & mask, expected, value);
    }

    /** The backing array of slot bytes, for {@link SlotPayload}. */
    byte[] slots() {
        return slots;
    }

    /** Byte offset of the payload of the slot at {@code position}. */
    int payloadOffset(long position) {
        return offset(position) + HEADER_BYTES;
    }

    private int offset(long position) {
        return ((int) position & mask) * SLOT_BYTES;
    }
}

/** Padding so that the producers' tail shares no cache line with the consumer's fields. */
abstract class SlotRingLeftPad {
    protected long p01, p02, p03, p04, p05, p06, p07, p08;
}

/** The producers' claim counter, padded on both sides. */
abstract class SlotRingTailField extends SlotRingLeftPad {
    private static final VarHandle TAIL;

    static {
        try {
            TAIL = MethodHandles.lookup().findVarHandle(SlotRingTailField.class, "tail", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private volatile long tail;

    final long tail() {
        return tail;
    }

    final boolean casTail(long expected, long next) {
        return TAIL.compareAndSet(this, expected, next);
    }
}

abstract class SlotRingTail extends SlotRingTailField {
    protected long p11, p12, p13, p14, p15, p16, p17, p18;
}
