package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

import loopwork.core.SyncThreads;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bytes the JVM allocates per hand-off of {@code /test/sync} after warm-up, on the kit's threads (loops, workers)
 * and the virtual-thread scheduler's carriers, on which a virtual thread's own allocations are counted. On the
 * workers' own threads a hand-off allocates nothing. On virtual threads it allocates exactly what the JDK's
 * scheduler does to wake the pooled virtual thread that serves it: {@code LockSupport.unpark} of a parked virtual
 * thread submits its continuation to the scheduler's {@link ForkJoinPool} with {@code execute(Runnable)}, which
 * wraps it in a new {@code ForkJoinTask$RunnableExecuteAction} (24 B with compact object headers), on the worker's
 * thread; there is no public way to submit it unwrapped or to choose the scheduler (JDK 25). The test measures
 * that wrapper here and allows one per hand-off on the kit's threads, and on the carriers less than a byte per
 * hand-off (they allocate a few hundred bytes now and then, nothing per hand-off). A wait for the peer inside a
 * handler would cost one more wake-up, and a timed park a timer task: the handler here does no work
 * ({@code -D 0}) and need not wait.
 */
class HandOffAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final String SYNC = "GET /test/sync HTTP/1.1\r\nHost: t\r\n\r\n";
    private static final Runnable NOTHING = () -> { };

    @ParameterizedTest
    @EnumSource(SyncThreads.class)
    void aHandOffAllocatesNothingOnPlatformThreadsAndOneSchedulerTaskOnVirtualOnes(SyncThreads syncThreads)
            throws Exception {
        try (TestServer server = TestServer.start(1, 16, 1, 0, syncThreads)) {
            RawHttp[] clients = new RawHttp[4];
            for (int i = 0; i < clients.length; i++) {
                clients[i] = new RawHttp(server.port());
            }
            try {
                run(clients, 2_000); // warm-up: the JIT compiles the paths, the pool has its threads
                List<Thread> kit = server.server.kit().threads();
                List<Thread> carriers = carriers();
                double perHandOff = Double.MAX_VALUE;
                double onCarriers = Double.MAX_VALUE;
                for (int attempt = 0; attempt < 3; attempt++) {
                    // The least of three: a late compilation may still link something on a kit thread.
                    long before = allocated(kit);
                    long beforeOnCarriers = allocated(carriers);
                    long handOffs = run(clients, 1_000);
                    perHandOff = Math.min(perHandOff, (double) (allocated(kit) - before) / handOffs);
                    onCarriers = Math.min(onCarriers, (double) (allocated(carriers) - beforeOnCarriers) / handOffs);
                }
                long wrapper = schedulerTaskBytes();
                System.out.printf("allocation per hand-off, %s: %.2f bytes on the kit's threads, %.3f on %d "
                        + "carriers (the scheduler's task per wake-up: %d bytes)%n", syncThreads.label(), perHandOff,
                        onCarriers, carriers.size(), wrapper);
                if (syncThreads == SyncThreads.PLATFORM) {
                    assertThat(perHandOff).as("bytes per hand-off on the worker's own thread").isZero();
                } else {
                    // An unpark that comes before its park submits nothing: a little less than one task each.
                    assertThat(perHandOff).as("bytes per hand-off on the worker: the scheduler's task for the "
                            + "pooled virtual thread's one wake-up, %d B, and nothing else", wrapper)
                            .isLessThanOrEqualTo(wrapper);
                    // Now and then a carrier allocates a few hundred bytes (0 to 900 per 4,000 to 8,000 hand-offs): nothing
                    // that comes with each hand-off.
                    assertThat(onCarriers).as("bytes per hand-off on the carriers").isLessThan(1.0);
                }
            } finally {
                for (RawHttp client : clients) {
                    client.close();
                }
            }
        }
    }

    private static long run(RawHttp[] clients, int rounds) throws Exception {
        for (int round = 0; round < rounds; round++) {
            for (RawHttp client : clients) {
                assertThat(client.exchange(SYNC).status()).isEqualTo(200);
            }
        }
        return (long) rounds * clients.length;
    }

    /** The virtual-thread scheduler's carriers that exist now (after the warm-up, all it made for the load). */
    private static List<Thread> carriers() {
        List<Thread> carriers = new ArrayList<>();
        for (Thread thread : Thread.getAllStackTraces().keySet()) {
            if (thread.getClass().getName().equals("jdk.internal.misc.CarrierThread")) {
                carriers.add(thread);
            }
        }
        return carriers;
    }

    private static long allocated(List<Thread> threads) {
        long sum = 0;
        for (Thread thread : threads) {
            sum += Math.max(0, THREADS.getThreadAllocatedBytes(thread.threadId())); // -1 once a thread ended
        }
        return sum;
    }

    /** What {@link ForkJoinPool#execute(Runnable)} of a plain Runnable allocates on the caller: its task wrapper. */
    private static long schedulerTaskBytes() throws InterruptedException {
        ForkJoinPool pool = new ForkJoinPool(1);
        try {
            long least = Long.MAX_VALUE;
            for (int batch = 0; batch < 20; batch++) {
                long before = THREADS.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 1_000; i++) {
                    pool.execute(NOTHING);
                }
                least = Math.min(least, (THREADS.getCurrentThreadAllocatedBytes() - before) / 1_000);
                assertThat(pool.awaitQuiescence(10, TimeUnit.SECONDS)).isTrue();
            }
            return least;
        } finally {
            pool.shutdownNow();
        }
    }
}
