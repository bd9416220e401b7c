package loopwork.core.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import loopwork.core.HeapBudget;
import loopwork.core.LoopInfo;
import loopwork.core.TaskType;
import loopwork.core.Transport;
import loopwork.core.transport.TransportFamily;
import loopwork.core.transport.Transports;

/**
 * An accept loop's pool, on a loop made alone and never started (so the test's thread owns it): contexts
 * made a slab at a time as they are first needed, never beyond the capacity, kept and reused without
 * allocating, a heap too full for the next slab refused like a full pool, and the heap a context costs against
 * the kit's estimate.
 */
class ConnectionPoolTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int SLAB = ConnectionPool.SLAB_SIZE;

    private final List<AcceptLoop> loops = new ArrayList<>();
    private final TransportFamily transport = Transports.of(Transport.preferred());

    @AfterEach
    void release() {
        loops.forEach(AcceptLoop::release);
        transport.close();
    }

    private AcceptLoop loop(int capacity) throws IOException {
        AcceptLoop loop = new AcceptLoop(new LoopInfo(0, capacity, 1024, 1024, LoopInfo.Role.ACCEPT_LOOP),
                (connection, in) -> in.position(in.limit()), new byte[0], new WorkerLoop[0], new TaskType[0], 64,
                transport, 1_000, null);
        loops.add(loop);
        return loop;
    }

    @Test
    void makesContextsASlabAtATimeAsTheyAreNeededAndNeverBeyondTheCapacity() throws IOException {
        int capacity = 2 * SLAB + 88; // the last slab is a short one
        AcceptLoop loop = loop(capacity);
        ConnectionPool pool = loop.pool;
        assertThat(pool.created()).as("none made at start").isZero();
        assertThat(pool.freeCount()).isEqualTo(capacity);

        List<ConnectionContext> taken = new ArrayList<>();
        taken.add(pool.take());
        assertThat(taken.getFirst().id()).as("the lowest id first").isZero();
        assertThat(pool.created()).as("the first take makes a slab").isEqualTo(SLAB);
        while (taken.size() < SLAB) {
            taken.add(pool.take());
        }
        assertThat(pool.created()).as("no more until the slab is used up").isEqualTo(SLAB);
        taken.add(pool.take());
        assertThat(pool.created()).isEqualTo(2 * SLAB);
        assertThat(taken.getLast().id()).isEqualTo(SLAB);
        while (taken.size() < capacity) {
            taken.add(pool.take());
        }
        assertThat(pool.created()).isEqualTo(capacity);
        assertThat(taken).extracting(ConnectionContext::id).doesNotHaveDuplicates();
        assertThat(pool.take()).as("full: refused, never grown beyond the capacity").isNull();
        assertThat(pool.created()).isEqualTo(capacity);
        assertThat(pool.freeCount()).isZero();
        assertThat(loop.stats.poolFree()).isZero();

        taken.forEach(pool::release);
        assertThat(pool.freeCount()).isEqualTo(capacity);
        assertThat(loop.stats.poolFree()).as("the pool is full again").isEqualTo(capacity);
        assertThat(pool.take()).as("the last released first").isSameAs(taken.getLast());
        for (ConnectionContext context : taken) {
            assertThat(pool.context(context.id())).isSameAs(context);
        }
    }

    @Test
    void keptContextsAreReusedWithoutAllocating() throws IOException {
        ConnectionPool pool = loop(4 * SLAB).pool;
        ConnectionContext[] taken = new ConnectionContext[3 * SLAB];
        for (int round = 0; round < 3; round++) { // the first makes them; the others run the same code warm
            for (int i = 0; i < taken.length; i++) {
                taken[i] = pool.take();
            }
            for (ConnectionContext context : taken) {
                pool.release(context);
            }
        }

        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < taken.length; i++) {
            taken[i] = pool.take();
        }
        for (ConnectionContext context : taken) {
            pool.release(context);
        }
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;

        assertThat(allocated).as("bytes allocated taking and releasing kept contexts").isZero();
        assertThat(pool.created()).isEqualTo(3 * SLAB);
    }

    @Test
    void aContextReleasedTwiceIsRefused() throws IOException {
        ConnectionPool pool = loop(4).pool;
        ConnectionContext context = pool.take();
        pool.release(context);

        assertThatThrownBy(() -> pool.release(context)).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("released twice");
    }

    /** A slab the heap cannot hold is not half made: that connection is refused, and a later one may grow it. */
    @Test
    void aHeapTooFullForTheNextSlabRefusesAsAFullPoolDoes() throws IOException {
        AcceptLoop loop = loop(8);
        boolean[] full = {true};
        ConnectionPool pool = new ConnectionPool(8, 4, id -> {
            if (full[0] && id == 2) {
                throw new OutOfMemoryError("Java heap space");
            }
            return loop.newContext(id);
        }, loop.owner, loop.stats);

        assertThat(pool.take()).as("refused").isNull();
        assertThat(pool.created()).isZero();
        assertThat(pool.freeCount()).isEqualTo(8);

        full[0] = false;
        for (int i = 0; i < ConnectionPool.HEAP_BACKOFF; i++) {
            assertThat(pool.take()).as("no full collection per refusal: not tried again at once").isNull();
        }
        assertThat(pool.take().id()).as("tried again after the back-off").isZero();
        assertThat(pool.created()).isEqualTo(4);
    }

    /**
     * The kit's estimate per context is at least what the pool allocates making one (the context, its
     * endpoint on the transport of this run, output, transfer, buffer views, and its share of the slab and the
     * free stack), and not more than a tenth above it.
     */
    @Test
    void kitEstimateCoversWhatAContextAllocates() throws IOException {
        int measured = 8 * SLAB;
        ConnectionPool pool = loop(SLAB + measured).pool;
        pool.release(pool.take()); // the first slab: classes loaded

        for (int i = 0; i < SLAB; i++) {
            pool.take();
        }
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < measured; i++) {
            pool.take();
        }
        double perContext = (double) (THREADS.getCurrentThreadAllocatedBytes() - before) / measured;

        assertThat((double) HeapBudget.KIT_BYTES_PER_CONTEXT).as("estimate against %s B measured", perContext)
                .isGreaterThanOrEqualTo(perContext).isLessThanOrEqualTo(perContext * 1.1);
    }
}
