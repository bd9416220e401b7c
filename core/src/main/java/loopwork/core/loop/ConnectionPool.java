package loopwork.core.loop;

import java.nio.ByteBuffer;

import loopwork.core.memory.ReservedMemory;

/**
 * A loop's preallocated connection contexts, each with its own input and output buffer carved out of one
 * {@link ReservedMemory} block, and a stack of free ones. Taking and releasing are an array access each;
 * a full pool never grows. The stack is LIFO so that recently used contexts (and their buffer pages, which
 * are resident) are reused first.
 *
 * <p>Not thread-safe: owned by its event loop, which {@link #take} and {@link #release} assert. No locks: a
 * context closed on another thread comes back through the loop's mailbox.
 */
final class ConnectionPool implements AutoCloseable {

    private final ConnectionContext[] contexts;
    private final int[] free;
    private int freeCount;
    private final ReservedMemory memory;
    private final LoopStats stats;
    private final OwnerThread owner;

    ConnectionPool(int capacity, int inputBytes, int outputBytes, int home, OwnerThread owner, LoopStats stats) {
        this.stats = stats;
        this.owner = owner;
        long stride = (long) inputBytes + outputBytes;
        memory = ReservedMemory.reserve(capacity * stride);
        ByteBuffer whole = memory.byteSize() <= Integer.MAX_VALUE ? memory.segment().asByteBuffer() : null;
        contexts = new ConnectionContext[capacity];
        free = new int[capacity];
        long address = memory.segment().address();
        for (int id = 0; id < capacity; id++) {
            long base = id * stride;
            ByteBuffer in = view(whole, base, inputBytes);
            ByteBuffer out = view(whole, base + inputBytes, outputBytes);
            contexts[id] = new ConnectionContext(id, home, owner, in, address + base, out,
                    address + base + inputBytes);
            free[id] = capacity - 1 - id; // context 0 is taken first
        }
        freeCount = capacity;
    }

    private ByteBuffer view(ByteBuffer whole, long offset, int length) {
        return whole != null
                ? whole.slice((int) offset, length)
                : memory.segment().asSlice(offset, length).asByteBuffer();
    }

    /** A free context, or null when every one is in use. */
    ConnectionContext take() {
        assert owner.isCurrent() : owner.notOwner("ConnectionPool.take");
        if (freeCount == 0) {
            return null;
        }
        ConnectionContext context = contexts[free[--freeCount]];
        stats.poolFree.set(freeCount);
        return context;
    }

    /** Returns a context; each may come back once per take. */
    void release(ConnectionContext context) {
        assert owner.isCurrent() : owner.notOwner("ConnectionPool.release");
        if (freeCount == free.length) {
            throw new IllegalStateException("pool already full: context " + context.id() + " released twice");
        }
        free[freeCount++] = context.id();
        stats.poolFree.set(freeCount);
    }

    ConnectionContext context(int id) {
        return contexts[id];
    }

    int capacity() {
        return contexts.length;
    }

    int freeCount() {
        return freeCount;
    }

    boolean isLazy() {
        return memory.isLazy();
    }

    @Override
    public void close() {
        memory.close();
    }
}
