package loopwork.core;

/**
 * The Java heap a kit holds: what it allocates at start ({@link #startBytes}: the mailboxes, task slots and
 * queued-work tables of its loops and workers, sized by workers x task slots, not by connections), and what
 * each connection's context adds the first time a loop holds that many connections at once (the kit's part,
 * {@link #KIT_BYTES_PER_CONTEXT}, and the protocol's, {@link Protocol#heapBytesPerConnection()}). Contexts are
 * made as connections come, a slab at a time, and kept; the contexts' buffers are off-heap and not counted.
 *
 * <p>{@link #check} refuses, before anything is allocated, a heap that cannot hold the start-up part with an
 * eighth of the maximum free for everything else (the rest of the program, and room for the collector to
 * work). Connections beyond what the heap can hold are refused at run time like those beyond the capacity:
 * a loop whose next slab does not fit answers with the protocol's refusal.
 *
 * <p>Thread-safe: immutable.
 *
 * @param acceptThreads           accept loops, each with its own pool
 * @param contextsPerLoop         the most contexts each loop's pool may hold (its capacity)
 * @param protocolBytesPerContext the protocol's heap per context, an estimate
 * @param startBytes              heap the kit allocates at start, whatever the connections; see {@link #startBytes}
 */
public record HeapBudget(int acceptThreads, int contextsPerLoop, int protocolBytesPerContext, long startBytes) {

    /**
     * The kit's heap per pool context: the context, its two buffer views, and its slots in the pool's slab and
     * free stack. Measured, then rounded up by two fields' worth so that a field added later does not make it
     * short at once: the bytes a pool allocates per context it makes (ConnectionPoolTest measures it on the
     * transport of its run). A connection's transport state is not paid per context (epoll's is off-heap, NIO's
     * is made as connections first use it). Without compressed oops (heaps of 32 GB and more) it is larger;
     * such heaps hold any pool the kit allows many times over.
     */
    public static final int KIT_BYTES_PER_CONTEXT = 304;

    /**
     * Heap per slot of a mailbox or a worker's task slots: the slot's header and payload in the ring's byte
     * array and its two longs (sequence and state); HeapBudgetTest measures it.
     */
    static final int BYTES_PER_RING_SLOT = loopwork.core.ring.SlotRing.HEADER_BYTES + TaskPayload.CAPACITY + 16;

    /**
     * Heap per entry of a loop's queued-work table, sized as its mailbox: two references (counted at 8 B, as
     * without compressed oops), two longs and an int.
     */
    static final int BYTES_PER_QUEUED_ENTRY = 2 * 8 + 2 * 8 + 4;

    /** The check keeps 1 / SPARE_DIVISOR of the maximum heap free for everything but the kit. */
    static final int SPARE_DIVISOR = 8;

    /**
     * Checks the one figure a caller supplies rather than computes.
     *
     * @throws IllegalArgumentException if {@code protocolBytesPerContext} is negative
     */
    public HeapBudget {
        if (protocolBytesPerContext < 0) {
            throw new IllegalArgumentException("a protocol's heap per connection cannot be negative: "
                    + protocolBytesPerContext);
        }
    }

    /**
     * The budget of a kit with these settings, serving a protocol that keeps this much per connection.
     *
     * @param config                  the kit's settings: its loops, their capacity, its workers and task slots
     * @param protocolBytesPerContext the protocol's heap per connection in bytes, 0 or more, as
     *                                {@link Protocol#heapBytesPerConnection()} estimates it
     * @return the budget, with {@link #startBytes} computed from {@code config}
     */
    public static HeapBudget of(KitConfig config, int protocolBytesPerContext) {
        return new HeapBudget(config.acceptThreads(), config.acceptCapacity(), protocolBytesPerContext,
                startBytes(config));
    }

    /**
     * The heap a kit with these settings allocates at start, the same for any number of connections: each
     * accept loop's mailbox and queued-work table (sized by what all workers' task slots may hand back to it,
     * {@link KitConfig#mailboxCapacity()}), and each worker's task slots and its own loop's mailbox and table.
     *
     * @param config the kit's settings
     * @return the start-up heap in bytes, an estimate measured by HeapBudgetTest
     */
    public static long startBytes(KitConfig config) {
        long loopSlots = config.mailboxCapacity();
        long perLoop = loopSlots * (BYTES_PER_RING_SLOT + BYTES_PER_QUEUED_ENTRY);
        long workerSlots = config.taskSlotsPerWorker();
        long workerLoopSlots = Long.highestOneBit(Math.max(64, workerSlots) - 1) << 1;
        long perWorker = workerSlots * BYTES_PER_RING_SLOT
                + workerLoopSlots * (BYTES_PER_RING_SLOT + BYTES_PER_QUEUED_ENTRY);
        return perLoop * config.acceptThreads() + perWorker * config.workerThreads();
    }

    /** {@return the heap per context in bytes: the kit's {@link #KIT_BYTES_PER_CONTEXT} and the protocol's} */
    public int bytesPerContext() {
        return KIT_BYTES_PER_CONTEXT + protocolBytesPerContext;
    }

    /**
     * {@return the heap in bytes the kit holds once every loop held its capacity of connections at once:
     * start-up and all contexts}
     */
    public long fullBytes() {
        return startBytes + (long) contextsPerLoop * bytesPerContext() * acceptThreads;
    }

    /**
     * {@return the smallest maximum heap, in bytes, that passes {@link #check} with {@code usedBytes} in use}
     *
     * @param usedBytes heap in bytes the program uses besides the kit, 0 or more
     */
    public long heapNeeded(long usedBytes) {
        long held = startBytes + usedBytes;
        return held + Math.ceilDiv(held, SPARE_DIVISOR - 1);
    }

    /**
     * About how many contexts, over all loops, a heap of {@code maxBytes} holds beside the start-up part,
     * {@code usedBytes} in use and the eighth kept free; 0 if none, and never more than the capacity.
     *
     * @param maxBytes  the maximum heap in bytes, as {@link Runtime#maxMemory()} gives it ({@link Long#MAX_VALUE}
     *                  when unlimited: then every context fits)
     * @param usedBytes heap in bytes in use besides the kit
     * @return the contexts that fit, 0 to {@code acceptThreads * contextsPerLoop}
     */
    public long contextsThatFit(long maxBytes, long usedBytes) {
        long all = (long) acceptThreads * contextsPerLoop;
        if (maxBytes == Long.MAX_VALUE) {
            return all;
        }
        long room = maxBytes - maxBytes / SPARE_DIVISOR - usedBytes - startBytes;
        return Math.clamp(room / bytesPerContext(), 0, all);
    }

    /**
     * Throws unless the start-up part fits in the heap: {@code maxBytes} as {@link Runtime#maxMemory()} gives
     * it ({@link Long#MAX_VALUE} when unlimited), of which {@code usedBytes} are in use.
     *
     * @param maxBytes  the maximum heap in bytes
     * @param usedBytes heap in bytes in use besides the kit
     * @throws HeapTooSmallException with the figures, when it does not fit
     */
    public void check(long maxBytes, long usedBytes) {
        if (!fits(maxBytes, usedBytes)) {
            throw new HeapTooSmallException(this, maxBytes, usedBytes, null);
        }
    }

    /**
     * {@return whether {@link #check} passes: the start-up part and {@code usedBytes} leave an eighth of
     * {@code maxBytes} free}
     *
     * @param maxBytes  the maximum heap in bytes, {@link Long#MAX_VALUE} when unlimited
     * @param usedBytes heap in bytes in use besides the kit
     */
    public boolean fits(long maxBytes, long usedBytes) {
        return maxBytes == Long.MAX_VALUE || startBytes + usedBytes + maxBytes / SPARE_DIVISOR <= maxBytes;
    }
}
