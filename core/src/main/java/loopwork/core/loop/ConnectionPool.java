package loopwork.core.loop;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.IntFunction;

/**
 * A loop's connection contexts, made as connections need them and kept: the first time every context made
 * so far is in use, the pool makes a slab of {@code slabSize} more (ids in order), up to its capacity, which
 * stays a hard limit. Memory thus follows the most connections held at once, not the capacity: a directory
 * of slabs (capacity / slabSize references) is all that is paid up front. A slab is made in one go, so
 * serving allocates only when the pool grows past its high-water mark, never in a steady state.
 *
 * <p>Free contexts are a LIFO stack of ids, in chunks made with their slab, so that recently used contexts
 * (and their buffer pages, which are resident) are reused first, and a pool that never grows stays small.
 * Taking and releasing are two array accesses each.
 *
 * <p>Why slabs of Java objects rather than flyweights over off-heap records (Agrona, Aeron): the contexts
 * hold references (who serves them, the trip's target, timer links, the handler's attachment) that off-heap
 * memory cannot; slabs keep the objects and their field accesses as they are, and pay their heap only for
 * connections that came. Their cost is that heap, about 0.3 KB a context at the high-water mark (plus the
 * protocol's), where flyweights would pay none.
 *
 * <p>Not thread-safe: owned by its event loop, which {@link #take} and {@link #release} assert. No locks: a
 * context closed on another thread comes back through the loop's mailbox. Other threads may call
 * {@link #context} with an id they were told of through a mailbox (whose commit and peek order the slab's
 * making before), and {@link #created()}.
 */
final class ConnectionPool {

    /**
     * Contexts an accept loop makes at a time: about 140 KB of heap with HTTP's state, made in tens of
     * microseconds, and at most one slab's worth unused per loop.
     */
    static final int SLAB_SIZE = 256;
    /** Connections refused after the heap could not hold a slab before the next try (each costs a full GC). */
    static final int HEAP_BACKOFF = 64;

    private static final VarHandle CREATED;

    static {
        try {
            CREATED = MethodHandles.lookup().findVarHandle(ConnectionPool.class, "created", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int capacity;
    private final int slabShift;
    private final int slabMask;
    private final IntFunction<ConnectionContext> factory;
    /** Slab {@code k} holds contexts {@code k * slabSize} on; null until made. */
    private final ConnectionContext[][] slabs;
    /** The free stack, a chunk per slab: entry {@code i} is in chunk {@code i >> slabShift}. */
    private final int[][] free;
    private int freeCount;
    /** Takes refused before a slab is tried again after the heap could not hold one; 0 once a context came back. */
    private int heapBackoff;
    /** Contexts made so far: ids 0 to created - 1. Written by the owner only, with release (see {@link #created()}). */
    private int created;
    private final LoopStats stats;
    private final OwnerThread owner;

    /**
     * @param slabSize contexts made at a time, a power of two
     * @param factory  makes the context of an id, on the owner's thread (or the one building the loop)
     */
    ConnectionPool(int capacity, int slabSize, IntFunction<ConnectionContext> factory, OwnerThread owner,
            LoopStats stats) {
        if (capacity < 1 || slabSize < 1 || Integer.bitCount(slabSize) != 1) {
            throw new IllegalArgumentException("capacity " + capacity + ", slab size " + slabSize);
        }
        this.capacity = capacity;
        this.slabShift = Integer.numberOfTrailingZeros(slabSize);
        this.slabMask = slabSize - 1;
        this.factory = factory;
        this.owner = owner;
        this.stats = stats;
        int slabCount = (int) Math.ceilDiv((long) capacity, slabSize);
        slabs = new ConnectionContext[slabCount][];
        free = new int[slabCount][];
    }

    /** A free context, or null when every one is in use, or when making more found the heap full. */
    ConnectionContext take() {
        assert owner.isCurrent() : owner.notOwner("ConnectionPool.take");
        if (freeCount == 0 && (heapBackoff > 0 ? heapBackoff-- > 0 : !grow())) {
            return null;
        }
        freeCount--;
        ConnectionContext context = context(free[freeCount >> slabShift][freeCount & slabMask]);
        stats.poolFree.set(freeCount());
        return context;
    }

    /** Returns a context; each may come back once per take. */
    void release(ConnectionContext context) {
        assert owner.isCurrent() : owner.notOwner("ConnectionPool.release");
        if (freeCount == created) {
            throw new IllegalStateException("pool already full: context " + context.id() + " released twice");
        }
        free[freeCount >> slabShift][freeCount & slabMask] = context.id();
        freeCount++;
        heapBackoff = 0; // a connection left: growing may be tried again
        stats.poolFree.set(freeCount());
    }

    /**
     * Makes the next slab, its contexts and a chunk more of the free stack, and stacks their ids (the lowest
     * on top) on the empty stack. Everything is made before any of it is published, so that a heap too full
     * to hold the slab leaves the pool as it was: false then, and the connection is refused as by a full pool.
     */
    private boolean grow() {
        int first = created;
        if (first == capacity) {
            return false;
        }
        int size = Math.min(slabMask + 1, capacity - first);
        ConnectionContext[] slab;
        int[] chunk;
        try {
            slab = new ConnectionContext[size];
            for (int i = 0; i < size; i++) {
                slab[i] = factory.apply(first + i);
            }
            chunk = new int[size];
        } catch (OutOfMemoryError e) {
            // What was made is garbage now. Trying again at the next accept would cost a full collection per
            // connection refused: the next try waits for a connection to leave, or for this many refusals.
            heapBackoff = HEAP_BACKOFF;
            return false;
        }
        int k = first >> slabShift;
        slabs[k] = slab;
        free[k] = chunk; // room for one more slab's ids; the stack is empty, so they go to its bottom chunk
        for (int i = 0; i < size; i++) {
            free[0][i] = first + size - 1 - i;
        }
        freeCount = size;
        CREATED.setRelease(this, first + size); // others who read created then see the slab above
        return true;
    }

    /** The context of {@code id}, which must have been made (an id taken, or one below {@link #created()}). */
    ConnectionContext context(int id) {
        return slabs[id >> slabShift][id & slabMask];
    }

    /** Contexts made so far, ids 0 to this - 1; any thread may ask, and then reach each with {@link #context}. */
    int created() {
        return (int) CREATED.getAcquire(this);
    }

    int capacity() {
        return capacity;
    }

    /** Contexts that may still be taken: the free ones made, and those not made yet. */
    int freeCount() {
        return freeCount + capacity - created;
    }
}
