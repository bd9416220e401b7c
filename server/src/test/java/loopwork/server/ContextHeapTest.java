package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.List;

import loopwork.core.HeapBudget;
import loopwork.core.Kit;
import loopwork.core.KitBuilder;
import loopwork.core.Protocol;
import loopwork.http.HttpProtocol;

import org.junit.jupiter.api.Test;

/**
 * The heap per context that the server checks and reports (the kit's part and HTTP's) against what building
 * the server's pools allocates per context, on the transport of this run (the suite runs twice).
 */
class ContextHeapTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void estimateCoversWhatAnHttpContextAllocates() throws IOException {
        HttpProtocol http = new HttpProtocol(List.of(new FastRoute()));
        double measured = bytesPerContext(http);
        HeapBudget budget = new HeapBudget(1, 1, http.heapBytesPerConnection());

        assertThat((double) budget.bytesPerContext()).as("estimate against %s B measured", measured)
                .isGreaterThanOrEqualTo(measured).isLessThanOrEqualTo(measured * 1.1);
    }

    /**
     * Bytes the building thread allocates per context: a one-loop kit of 5,000 contexts minus one of 1,000,
     * over 4,000, after a first build loaded the classes; the median of three (as HeapBudget's comment says).
     */
    private static double bytesPerContext(Protocol protocol) throws IOException {
        allocatedBuilding(protocol, 1_000);
        double[] rounds = new double[3];
        for (int i = 0; i < rounds.length; i++) {
            rounds[i] = (allocatedBuilding(protocol, 5_000) - allocatedBuilding(protocol, 1_000)) / 4_000.0;
        }
        Arrays.sort(rounds);
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
