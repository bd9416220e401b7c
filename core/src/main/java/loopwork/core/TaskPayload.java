package loopwork.core;

/**
 * The fixed-size payload of one task slot: the task's arguments, then its results. A flyweight over slot
 * memory: valid only while the call that handed it out runs, never to be kept.
 *
 * <p>Not thread-safe: used by one thread at a time, the one the slot is handed to (the loop while it
 * fills the slot, the worker while it runs it, the loop again when it completes). Offsets are checked:
 * an access outside {@code [0, CAPACITY)} throws {@link IndexOutOfBoundsException}.
 */
public interface TaskPayload {

    /** Bytes in every payload, fixed when the kit is built (the seed's {@code TaskHolder} holds 96). */
    int CAPACITY = 96;

    /**
     * {@return the 8 bytes at {@code offset}, in native byte order}
     *
     * @param offset 0 to {@code CAPACITY - 8}
     */
    long getLong(int offset);

    /**
     * Writes 8 bytes at {@code offset}, in native byte order.
     *
     * @param offset 0 to {@code CAPACITY - 8}
     * @param value  the value
     */
    void putLong(int offset, long value);

    /**
     * {@return the 4 bytes at {@code offset}, in native byte order}
     *
     * @param offset 0 to {@code CAPACITY - 4}
     */
    int getInt(int offset);

    /**
     * Writes 4 bytes at {@code offset}, in native byte order.
     *
     * @param offset 0 to {@code CAPACITY - 4}
     * @param value  the value
     */
    void putInt(int offset, int value);

    /**
     * {@return the byte at {@code offset}}
     *
     * @param offset 0 to {@code CAPACITY - 1}
     */
    byte getByte(int offset);

    /**
     * Writes one byte at {@code offset}.
     *
     * @param offset 0 to {@code CAPACITY - 1}
     * @param value  the value
     */
    void putByte(int offset, byte value);
}
