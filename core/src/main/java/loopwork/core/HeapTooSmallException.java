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
    /** The JVM's maximum heap in bytes. */
    private final long maxHeapBytes;
    /** The heap in use, in bytes, when the kit's part was checked. */
    private final long usedHeapBytes;

    /**
     * The figures of a failed check, worded in the message with the {@code -Xmx} that would pass.
     *
     * @param budget        the kit's budget, as its settings make it
     * @param maxHeapBytes  the JVM's maximum heap in bytes ({@link Runtime#maxMemory()})
     * @param usedHeapBytes the heap in use besides the kit, in bytes
     * @param cause         the error allocating ran into, or {@code null} when {@link HeapBudget#check} refused
     *                      beforehand
     */
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

    /**
     * {@return the kit's budget, with what it needs at start; {@code null} after deserialization (the exception
     * carries it for the program that built the kit, not over the wire)}
     */
    public HeapBudget budget() {
        return budget;
    }

    /** {@return the JVM's maximum heap in bytes ({@link Runtime#maxMemory()})} */
    public long maxHeapBytes() {
        return maxHeapBytes;
    }

    /** {@return the heap in use, in bytes, when the kit's part was checked} */
    public long usedHeapBytes() {
        return usedHeapBytes;
    }
}
