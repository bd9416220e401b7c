package loopwork.http;

import java.nio.ByteBuffer;

/**
 * One loop's body buffers: direct buffers of a request head plus the largest body allowed, claimed by a request
 * whose whole body does not fit the connection's input (or by an answer that does not fit the output now) and
 * given back once its answer is sent. They bound what whole bodies cost: {@code count} times their size per
 * loop, each allocated the first time it is claimed (a loop that never gathers a body costs nothing) and kept;
 * a request that finds none free gets 503 with {@code Retry-After}. A flat array and a free stack, as the kit's
 * pools.
 *
 * <p>Not thread-safe: owned by its handler's loop (asserted).
 */
final class BodyBuffers {

    private final ByteBuffer[] buffers;
    private final int bytes;
    private final int[] free;
    private int freeCount;
    private Thread owner;

    BodyBuffers(int count, int bytes) {
        buffers = new ByteBuffer[count];
        this.bytes = bytes;
        free = new int[count];
        for (int i = 0; i < count; i++) {
            free[i] = count - 1 - i;
        }
        freeCount = count;
    }

    /** A free buffer's slot, or -1 when every one is out. */
    int claim() {
        assert owned();
        if (freeCount == 0) {
            return -1;
        }
        int slot = free[--freeCount];
        if (buffers[slot] == null) {
            buffers[slot] = ByteBuffer.allocateDirect(bytes); // once per buffer, at its first use
        }
        return slot;
    }

    ByteBuffer buffer(int slot) {
        return buffers[slot];
    }

    void release(int slot) {
        assert owned();
        assert freeCount < free.length : "body buffer " + slot + " released twice";
        free[freeCount++] = slot;
    }

    int capacity() {
        return buffers.length;
    }

    /** The size of each buffer, 0 when there are none. */
    int bytes() {
        return buffers.length == 0 ? 0 : bytes;
    }

    /** Free buffers; any thread may read it (a test's check that every one came back). */
    int free() {
        return freeCount;
    }

    private boolean owned() {
        if (owner == null) {
            owner = Thread.currentThread();
        }
        return owner == Thread.currentThread() || !owner.isAlive();
    }
}
