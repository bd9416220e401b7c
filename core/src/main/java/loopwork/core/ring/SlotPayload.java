package loopwork.core.ring;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Objects;

import loopwork.core.TaskPayload;

/**
 * A {@link TaskPayload} flyweight over one slot of a {@link SlotRing}, re-pointed with {@link #wrap}.
 *
 * <p>Not thread-safe: each thread that touches slots (a loop, a worker) has its own instance.
 */
public final class SlotPayload implements TaskPayload {

    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.nativeOrder());

    private byte[] bytes = new byte[CAPACITY];
    private int base;

    /** Points this flyweight at the payload of the slot at {@code position} in {@code ring}. */
    public SlotPayload wrap(SlotRing ring, long position) {
        bytes = ring.slots();
        base = ring.payloadOffset(position);
        return this;
    }

    /** Copies this payload into the payload of another slot. */
    public void copyTo(SlotRing ring, long position) {
        System.arraycopy(bytes, base, ring.slots(), ring.payloadOffset(position), CAPACITY);
    }

    @Override
    public long getLong(int offset) {
        return (long) LONG.get(bytes, base + Objects.checkIndex(offset, CAPACITY - Long.BYTES + 1));
    }

    @Override
    public void putLong(int offset, long value) {
        LONG.set(bytes, base + Objects.checkIndex(offset, CAPACITY - Long.BYTES + 1), value);
    }

    @Override
    public int getInt(int offset) {
        return (int) INT.get(bytes, base + Objects.checkIndex(offset, CAPACITY - Integer.BYTES + 1));
    }

    @Override
    public void putInt(int offset, int value) {
        INT.set(bytes, base + Objects.checkIndex(offset, CAPACITY - Integer.BYTES + 1), value);
    }

    @Override
    public byte getByte(int offset) {
        return bytes[base + Objects.checkIndex(offset, CAPACITY)];
    }

    @Override
    public void putByte(int offset, byte value) {
        bytes[base + Objects.checkIndex(offset, CAPACITY)] = value;
    }
}
