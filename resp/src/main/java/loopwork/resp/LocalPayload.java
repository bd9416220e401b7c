package loopwork.resp;

import java.nio.ByteBuffer;

import loopwork.core.TaskPayload;

/**
 * A task's payload that never leaves the loop: when the loop owns the keys, a {@link KeyTask} runs right there on
 * it, through the same fields as on a worker, and its answer is written in the same handler call.
 *
 * <p>Not thread-safe: owned by its handler's loop.
 */
final class LocalPayload implements TaskPayload {

    private final ByteBuffer bytes = ByteBuffer.allocate(CAPACITY);

    @Override
    public long getLong(int offset) {
        return bytes.getLong(offset);
    }

    @Override
    public void putLong(int offset, long value) {
        bytes.putLong(offset, value);
    }

    @Override
    public int getInt(int offset) {
        return bytes.getInt(offset);
    }

    @Override
    public void putInt(int offset, int value) {
        bytes.putInt(offset, value);
    }

    @Override
    public byte getByte(int offset) {
        return bytes.get(offset);
    }

    @Override
    public void putByte(int offset, byte value) {
        bytes.put(offset, value);
    }
}
