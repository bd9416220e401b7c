package loopwork.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.Test;

/**
 * The heap a kit holds: its start-up part against a measurement, no heap growing with the capacity, the
 * figures of the check, and a heap too small refused up front, or when allocating the kit runs out after all.
 * What a context costs when its pool makes it is measured by ConnectionPoolTest.
 */
class HeapBudgetTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final long MB = 1L << 20;

    /** A protocol that keeps nothing per connection: what a kit allocates is all the kit's. */
    private static final Protocol NOTHING_KEPT = loop -> (connection, in) -> in.position(in.limit());

    /**
     * The start-up estimate covers what building a kit allocates for its mailboxes and task slots, and is not
     * more than a tenth above it: a kit with 4 workers of 4,096 task slots against one with 64 slots each.
     */
    @Test
    void startEstimateCoversTheMailboxesAndTaskSlots() throws IOException {
        KitBuilder large = kit(1, 1).workerThreads(4).taskSlotsPerWorker(4096);
        KitBuilder small = kit(1, 1).workerThreads(4).taskSlotsPerWorker(64);
        long estimate = HeapBudget.startBytes(large.config()) - HeapBudget.startBytes(small.config());

        double measured = median(() -> allocatedBuilding(large) - allocatedBuilding(small));

        assertThat((double) estimate).as("estimate against %s B measured", measured)
                .isGreaterThanOrEqualTo(measured).isLessThanOrEqualTo(measured * 1.1);
    }

    /**
     * Heap follows connections, not the capacity: a loop of a million connections costs at start what one of
     * a thousand does, give or take its directory of slabs (two references per 256 contexts).
     */
    @Test
    void buildingAKitAllocatesAboutTheSameHeapForAnyCapacity() throws IOException {
        KitBuilder million = kit(1, 1_000_000);
        KitBuilder thousand = kit(1, 1_000);

        double extra = median(() -> allocatedBuilding(million) - allocatedBuilding(thousand));

        assertThat(extra).as("bytes more for 999,000 more connections of capacity").isLessThan(64 * 1024);
    }

    @Test
    void figures() {
        HeapBudget budget = new HeapBudget(2, 100_000, 168, 3 * MB);

        assertThat(budget.bytesPerContext()).isEqualTo(HeapBudget.KIT_BYTES_PER_CONTEXT + 168);
        assertThat(budget.fullBytes()).isEqualTo(3 * MB + 200_000L * budget.bytesPerContext());
        long used = 5 * MB;
        long needed = budget.heapNeeded(used);
        assertThat(budget.fits(needed, used)).as("fits in what it says it needs").isTrue();
        assertThat(budget.fits(needed - 8, used)).as("and not in less").isFalse();
        assertThat(budget.fits(Long.MAX_VALUE, used)).as("an unlimited heap").isTrue();
        assertThat(budget.fits(64 * MB, used)).as("the defaults' contexts need not fit at start").isTrue();
        long fit = budget.contextsThatFit(64 * MB, used);
        assertThat(fit).as("contexts 64 MB holds").isEqualTo((64 * MB - 8 * MB - used - 3 * MB)
                / budget.bytesPerContext());
        assertThat(budget.contextsThatFit(Long.MAX_VALUE, used)).as("at most the capacity").isEqualTo(200_000);
        assertThat(budget.contextsThatFit(8 * MB, 7 * MB)).as("none fit").isZero();
        assertThatThrownBy(() -> budget.check(8 * MB, 5 * MB)).isInstanceOf(HeapTooSmallException.class)
                .hasMessageContaining("mailboxes and task slots").hasMessageContaining("about 3 MB at start");
    }

    /** Refused before anything is allocated: no OutOfMemoryError behind it. */
    @Test
    void refusesAHeapTooSmallBeforeAllocatingTheMailboxes() {
        KitBuilder builder = Kit.builder().host("127.0.0.1").port(0).acceptThreads(1024).acceptCapacity(1_000_000)
                .workerThreads(1024).taskSlotsPerWorker(65_536).protocol(NOTHING_KEPT); // about 180 GB of mailboxes

        HeapTooSmallException e = catchThrowableOfType(HeapTooSmallException.class, builder::build);

        assertThat(e).as("refused").isNotNull();
        assertThat(e.getCause()).as("found by the check, not by running out").isNull();
        assertThat(e.budget()).isEqualTo(HeapBudget.of(builder.config(), 0));
        assertThat(e.maxHeapBytes()).isEqualTo(Runtime.getRuntime().maxMemory());
    }

    /** The fallback: a heap that runs out while the kit is built gives the same refusal, and no error. */
    @Test
    void runningOutWhileBuildingTheKitIsTheSameRefusal() {
        Protocol outOfMemory = loop -> {
            if (loop.role() == LoopInfo.Role.ACCEPT_LOOP) {
                throw new OutOfMemoryError("Java heap space");
            }
            return (connection, in) -> in.position(in.limit());
        };
        KitBuilder builder = kit(2, 100).workerThreads(1).protocol(outOfMemory);

        HeapTooSmallException e = catchThrowableOfType(HeapTooSmallException.class, builder::build);

        assertThat(e).as("refused").isNotNull();
        assertThat(e.getCause()).isInstanceOf(OutOfMemoryError.class);
        assertThat(e.budget()).isEqualTo(HeapBudget.of(builder.config(), 0));
        assertThat(e.getMessage()).contains("mailboxes and task slots");
    }

    private static KitBuilder kit(int loops, int capacity) {
        return Kit.builder().host("127.0.0.1").port(0).acceptThreads(loops).acceptCapacity(capacity)
                .workerThreads(0).protocol(NOTHING_KEPT);
    }

    /** The median of three measurements, after a first one that loaded the classes. */
    private static double median(Measurement measurement) throws IOException {
        measurement.bytes();
        double[] rounds = new double[3];
        for (int i = 0; i < rounds.length; i++) {
            rounds[i] = measurement.bytes();
        }
        java.util.Arrays.sort(rounds);
        return rounds[1];
    }

    private interface Measurement {
        long bytes() throws IOException;
    }

    /** Bytes this thread allocates building the kit. */
    private static long allocatedBuilding(KitBuilder builder) throws IOException {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        Kit kit = builder.build();
        long allocated = THREADS.getCurrentThreadAllocatedBytes() - before;
        kit.close();
        return allocated;
    }
}
