package loopwork.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * HTTP's heap per connection, which the kit adds to its own to say how many connections a heap holds, against
 * what the handler makes on a context's first open: an exchange with its chunked-body decoder.
 */
class ExchangeHeapTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    @Test
    void estimateCoversWhatAnExchangeAllocates() {
        HttpProtocol http = new HttpProtocol(List.of());
        HttpStats stats = new HttpStats();
        HttpExchange[] kept = new HttpExchange[4_000];
        make(kept, stats); // classes loaded

        long before = THREADS.getCurrentThreadAllocatedBytes();
        make(kept, stats);
        double measured = (double) (THREADS.getCurrentThreadAllocatedBytes() - before) / kept.length;

        assertThat((double) http.heapBytesPerConnection()).as("estimate against %s B measured", measured)
                .isGreaterThanOrEqualTo(measured).isLessThanOrEqualTo(measured * 1.1);
    }

    private static void make(HttpExchange[] kept, HttpStats stats) {
        for (int i = 0; i < kept.length; i++) {
            kept[i] = new HttpExchange(stats);
        }
    }
}
