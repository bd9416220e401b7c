package loopwork.core;

/**
 * The Java heap cannot hold what a kit allocates at start (its mailboxes and task slots, see {@link HeapBudget}):
 * refused by {@link HeapBudget#check} before they were allocated, or (with an {@link OutOfMemoryError} as the
 * cause) when allocating them ran out after all. Carries the figures, so that a program can word the way out
 * in its own options.
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
        return String.format(java.util.Locale.ROOT, "the heap is too small for the kit's mailboxes and task slots: "
                + "about %,d MB at start need a maximum heap of about %,d MB (-Xmx), not %,d MB; or fewer workers "
                + "or task slots per worker", mb(budget.startBytes()), mb(budget.heapNeeded(usedHeapBytes)),
                mb(maxHeapBytes));
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
