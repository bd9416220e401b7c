package loopwork.core;

/**
 * The Java heap a kit's pools hold, checked before they are allocated. Every accept loop preallocates one
 * context per connection it may hold (the kit's part, {@link #KIT_BYTES_PER_CONTEXT}) and its protocol's
 * handler preallocates per-connection state beside it (the protocol's part,
 * {@link Protocol#heapBytesPerConnection()}). The contexts' buffers are off-heap and not counted here.
 *
 * <p>{@link #check} compares the contexts' heap with the heap the JVM may still use, keeping an eighth of the
 * maximum free for everything else (the rest of the program, and room for the collector to work), so that a
 * heap too small is refused up front with its figures rather than with an {@link OutOfMemoryError} halfway
 * through building the pools.
 *
 * <p>Thread-safe: immutable.
 *
 * @param acceptThreads           accept loops, each with its own pool
 * @param contextsPerLoop         contexts in each loop's pool
 * @param protocolBytesPerContext the protocol's heap per context, an estimate
 */
public record HeapBudget(int acceptThreads, int contextsPerLoop, int protocolBytesPerContext) {

    /**
     * The kit's heap per pool context: the context, its output and transfer objects, its two buffer views,
     * and its slots in the pool's arrays. Measured, then rounded up by two fields' worth so that a field added
     * later does not make it short at once: the bytes the building thread allocates
     * ({@code ThreadMXBean.getCurrentThreadAllocatedBytes}) for a one-loop kit of 5,000 contexts, minus those
     * for 1,000, over 4,000, after a first build has loaded the classes. On JDK 25 with compressed oops that
     * is 304 B on both transports, with or without compact object headers (the objects round to the same
     * 8-byte sizes): a connection's transport state is not paid per context (epoll's is off-heap, NIO's is
     * made as connections first use it). HeapBudgetTest measures it again on both transports. Without
     * compressed oops (heaps of 32 GB and more) it is under 500 B; such heaps hold any pool the kit allows
     * many times over.
     */
    public static final int KIT_BYTES_PER_CONTEXT = 280;

    /** The check keeps 1 / SPARE_DIVISOR of the maximum heap free for everything but the contexts. */
    static final int SPARE_DIVISOR = 8;

    public HeapBudget {
        if (protocolBytesPerContext < 0) {
            throw new IllegalArgumentException("a protocol's heap per connection cannot be negative: "
                    + protocolBytesPerContext);
        }
    }

    /** Heap per context: the kit's and the protocol's. */
    public int bytesPerContext() {
        return KIT_BYTES_PER_CONTEXT + protocolBytesPerContext;
    }

    /** Heap held by one loop's contexts. */
    public long bytesPerLoop() {
        return (long) contextsPerLoop * bytesPerContext();
    }

    /** Heap held by every loop's contexts. */
    public long totalBytes() {
        return bytesPerLoop() * acceptThreads;
    }

    /** The smallest maximum heap that passes {@link #check} with {@code usedBytes} already in use. */
    public long heapNeeded(long usedBytes) {
        long held = totalBytes() + usedBytes;
        return held + Math.ceilDiv(held, SPARE_DIVISOR - 1);
    }

    /** The most contexts per loop that would pass {@link #check} with this heap; 0 if none would. */
    public int contextsPerLoopThatFit(long maxBytes, long usedBytes) {
        long room = maxBytes - maxBytes / SPARE_DIVISOR - usedBytes;
        return Math.clamp(room / ((long) acceptThreads * bytesPerContext()), 0, Integer.MAX_VALUE);
    }

    /**
     * Throws unless the contexts fit in the heap: {@code maxBytes} as {@link Runtime#maxMemory()} gives it
     * ({@link Long#MAX_VALUE} when unlimited), of which {@code usedBytes} are in use.
     *
     * @throws HeapTooSmallException with the figures, when they do not fit
     */
    public void check(long maxBytes, long usedBytes) {
        if (!fits(maxBytes, usedBytes)) {
            throw new HeapTooSmallException(this, maxBytes, usedBytes, null);
        }
    }

    /** Whether {@link #check} passes. */
    public boolean fits(long maxBytes, long usedBytes) {
        return maxBytes == Long.MAX_VALUE || totalBytes() + usedBytes + maxBytes / SPARE_DIVISOR <= maxBytes;
    }
}
