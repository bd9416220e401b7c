package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;

import loopwork.core.SyncThreads;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bytes the JVM allocates per hand-off of {@code /test/sync} after warm-up, on every thread but the test's own
 * (the client): the loops, the workers and, with virtual threads, their carriers, on which a virtual thread's
 * allocations are counted. A virtual thread from the worker's pool costs no new thread per hand-off; what is
 * left is what parking it between hand-offs costs the JDK. The handler does no work ({@code -D 0}), so that
 * nothing of its own (a timed park allocates a timer on a virtual thread) is counted.
 */
class HandOffAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final String SYNC = "GET /test/sync HTTP/1.1\r\nHost: t\r\n\r\n";
    /** What this test allows a hand-off: a pooled virtual thread's park and unpark, no new thread. */
    private static final double BUDGET_BYTES = 64;

    @ParameterizedTest
    @EnumSource(SyncThreads.class)
    void aHandOffAllocatesNoThreadAfterWarmUp(SyncThreads syncThreads) throws Exception {
        try (TestServer server = TestServer.start(1, 16, 1, 0, syncThreads)) {
            RawHttp[] clients = new RawHttp[4];
            for (int i = 0; i < clients.length; i++) {
                clients[i] = new RawHttp(server.port());
            }
            try {
                run(clients, 4_000); // warm-up: the JIT compiles the paths, the pool has its threads
                double perHandOff = Double.MAX_VALUE;
                for (int attempt = 0; attempt < 3 && perHandOff >= BUDGET_BYTES; attempt++) {
                    // The least of three: a JVM thread of its own (a compiler's, the GC's) may allocate meanwhile.
                    long others = THREADS.getTotalThreadAllocatedBytes();
                    long mine = THREADS.getCurrentThreadAllocatedBytes();
                    long handOffs = run(clients, 2_000);
                    long bytes = (THREADS.getTotalThreadAllocatedBytes() - others)
                            - (THREADS.getCurrentThreadAllocatedBytes() - mine);
                    perHandOff = Math.min(perHandOff, (double) bytes / handOffs);
                }
                System.out.printf("allocation per hand-off, %s: %.1f bytes%n", syncThreads.label(), perHandOff);
                assertThat(perHandOff).as("bytes allocated per hand-off, test thread excluded")
                        .isLessThan(BUDGET_BYTES);
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
}
