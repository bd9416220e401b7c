package loopwork.core;

/**
 * The Java heap cannot hold the pools' contexts: refused by {@link HeapBudget#check} before they were
 * allocated, or (with an {@link OutOfMemoryError} as the cause) when allocating them ran out after all. Carries
 * the figures, so that a program can word the way out in its own options.
 */
public final class HeapTooSmallException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient HeapBudget budget;
    private final long maxHeapBytes;
    private final long usedHeapBytes;

    public HeapTooSmallException(HeapBudget budget, long maxHeapBytes, long usedHeapBytes, OutOfMemoryError cause) {
        super(message(budget, maxHeapBytes, usedHeapBytes), cause);
        this.budget = budget;
        this.maxHeapBytes = maxHeapBytes;
        this.usedHeapBytes = usedHeapBytes;
    }

    private static String message(HeapBudget budget, long maxHeapBytes, long usedHeapBytes) {
        return String.format(java.util.Locale.ROOT, "the heap is too small for the connection pools: %d loops of "
                + "%d contexts, about %d B of heap each, need a maximum heap of about %,d MB (-Xmx), not %,d MB; "
                + "or an acceptCapacity of at most %d with this heap", budget.acceptThreads(),
                budget.contextsPerLoop(), budget.bytesPerContext(), mb(budget.heapNeeded(usedHeapBytes)),
                mb(maxHeapBytes), budget.contextsPerLoopThatFit(maxHeapBytes, usedHeapBytes));
    }

    private static long mb(long bytes) {
        return Math.ceilDiv(bytes, 1L << 20);
    }

    public HeapBudget budget() {
        return budget;
    }

    /** The JVM's maximum heap ({@link Runtime#maxMemory()}). */
    public long maxHeapBytes() {
        return maxHeapBytes;
    }

    /** Heap in use when the pools were checked. */
    public long usedHeapBytes() {
        return usedHeapBytes;
    }
}
