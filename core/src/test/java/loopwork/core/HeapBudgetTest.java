package loopwork.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;

/**
 * The heap the pools' contexts hold: the kit's estimate against a measurement, the figures of the check, and
 * a heap too small refused up front, or when allocating the pools runs out after all.
 */
class HeapBudgetTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final long MB = 1L << 20;

    /** A protocol that keeps nothing per connection: what a kit allocates per context is all the kit's. */
    private static final Protocol NOTHING_KEPT = loop -> (connection, in) -> in.position(in.limit());

    /**
     * The estimate is at least what a context costs, measured as its comment says (on the transport of this
     * run: the suite runs twice, epoll then NIO), and not more than a tenth above it.
     */
    @Test
    void kitEstimateCoversWhatAContextAllocates() throws IOException {
        double measured = bytesPerContext(NOTHING_KEPT);

        assertThat((double) HeapBudget.KIT_BYTES_PER_CONTEXT).as("estimate against %s B measured", measured)
                .isGreaterThanOrEqualTo(measured).isLessThanOrEqualTo(measured * 1.1);
    }

    @Test
    void figures() {
        HeapBudget budget = new HeapBudget(2, 100_000, 168);

        assertThat(budget.bytesPerContext()).isEqualTo(HeapBudget.KIT_BYTES_PER_CONTEXT + 168);
        assertThat(budget.bytesPerLoop()).isEqualTo(100_000L * budget.bytesPerContext());
        assertThat(budget.totalBytes()).isEqualTo(2 * budget.bytesPerLoop());
        long used = 5 * MB;
        long needed = budget.heapNeeded(used);
        assertThat(budget.fits(needed, used)).as("fits in what it says it needs").isTrue();
        assertThat(budget.fits(needed - 8, used)).as("and not in less").isFalse();
        assertThat(budget.fits(Long.MAX_VALUE, used)).as("an unlimited heap").isTrue();
        int fit = budget.contextsPerLoopThatFit(64 * MB, used);
        assertThat(new HeapBudget(2, fit, 168).fits(64 * MB, used)).as("%d contexts fit in 64 MB", fit).isTrue();
        assertThat(new HeapBudget(2, fit + 1, 168).fits(64 * MB, used)).as("and no more").isFalse();
        assertThat(budget.contextsPerLoopThatFit(8 * MB, 7 * MB)).as("none fit").isZero();
        assertThatThrownBy(() -> budget.check(64 * MB, used)).isInstanceOf(HeapTooSmallException.class)
                .hasMessageContaining("2 loops of 100000 contexts")
                .hasMessageContaining("acceptCapacity of at most " + fit);
    }

    /** Refused before anything is allocated: no OutOfMemoryError behind it. */
    @Test
    void refusesAHeapTooSmallBeforeAllocatingThePools() {
        KitBuilder builder = Kit.builder().host("127.0.0.1").port(0).acceptThreads(1024).acceptCapacity(1_000_000)
                .workerThreads(0).protocol(NOTHING_KEPT); // about 385 GB of contexts

        HeapTooSmallException e = catchThrowableOfType(HeapTooSmallException.class, builder::build);

        assertThat(e).as("refused").isNotNull();
        assertThat(e.getCause()).as("found by the check, not by running out").isNull();
        assertThat(e.budget()).isEqualTo(new HeapBudget(1024, 1_000_000, 0));
        assertThat(e.maxHeapBytes()).isEqualTo(Runtime.getRuntime().maxMemory());
    }

    /** The fallback: a heap that runs out while the pools are built gives the same refusal, and no error. */
    @Test
    void runningOutWhileBuildingThePoolsIsTheSameRefusal() {
        Protocol outOfMemory = loop -> {
            if (loop.capacity() > 0) {
                throw new OutOfMemoryError("Java heap space");
            }
            return (connection, in) -> in.position(in.limit());
        };
        KitBuilder builder = Kit.builder().host("127.0.0.1").port(0).acceptThreads(2).acceptCapacity(100)
                .workerThreads(1).protocol(outOfMemory);

        HeapTooSmallException e = catchThrowableOfType(HeapTooSmallException.class, builder::build);

        assertThat(e).as("refused").isNotNull();
        assertThat(e.getCause()).isInstanceOf(OutOfMemoryError.class);
        assertThat(e.budget()).isEqualTo(new HeapBudget(2, 100, 0));
        assertThat(e.getMessage()).contains("2 loops of 100 contexts");
    }

    /**
     * Bytes the building thread allocates per context: a one-loop kit of 5,000 contexts minus one of 1,000,
     * over 4,000, after a first build loaded the classes; the median of three.
     */
    static double bytesPerContext(Protocol protocol) throws IOException {
        allocatedBuilding(protocol, 1_000);
        double[] rounds = new double[3];
        for (int i = 0; i < rounds.length; i++) {
            rounds[i] = (allocatedBuilding(protocol, 5_000) - allocatedBuilding(protocol, 1_000)) / 4_000.0;
        }
        java.util.Arrays.sort(rounds);
        return rounds[1];
    }

    private static long allocatedBuilding(Protocol protocol, int contexts) throws IOException {
        KitBuilder builder = Kit.builder().host("127.0.0.1").port(0).acceptThreads(1).acceptCapacity(contexts)
                .workerThreads(0).protocol(protocol);
        long before = THREADS.getCurrentThreadAllocatedBytes();
        Kit kit = builder.build();
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        kit.close();
        return allocated;
    }
}
