package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import loopwork.core.SyncThreads;

import org.junit.jupiter.api.Test;

/**
 * 200 concurrent keep-alive connections mixing every route (fast, task, hand-off, move, stream,
 * pipelined) for a bounded time: no error, every pool full at the end, and the bytes each loop and
 * worker thread allocated per request after warm-up.
 */
class MixedStressTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final String[] REQUESTS = {
        RawHttp.FAST, RawHttp.SLOW, "GET /test/sync HTTP/1.1\r\nHost: t\r\n\r\n",
        "GET /test/async HTTP/1.1\r\nHost: t\r\n\r\n", "GET /test/stream?bytes=3000 HTTP/1.1\r\nHost: t\r\n\r\n",
    };

    @Test
    void twoHundredConnectionsMixingAllRoutes() throws Exception {
        // Hand-offs on the workers' own threads, where a hand-off allocates nothing: on virtual threads the JDK's
        // scheduler allocates its task for each wake-up on the worker's thread (HandOffAllocationTest).
        try (TestServer server = TestServer.start(2, 256, 2, 1, SyncThreads.PLATFORM)) {
            List<Thread> threads = server.server.kit().threads();
            RawHttp[] clients = new RawHttp[200];
            try {
                for (int c = 0; c < clients.length; c++) {
                    clients[c] = new RawHttp(server.port());
                }
                AtomicLong requests = new AtomicLong();
                run(clients, 30, requests, 1); // warm-up: the JIT, and each connection's keys on its worker
                requests.set(0);
                long[] before = allocated(threads);
                run(clients, 30, requests, 2);
                long[] after = allocated(threads);
                long served = requests.get();
                assertThat(served).as("200 clients x 30 batches of 1 to 3").isBetween(6_000L, 18_000L);
                StringBuilder report = new StringBuilder();
                for (int i = 0; i < threads.size(); i++) {
                    report.append(String.format(" %s %.3f", threads.get(i).getName(),
                            (double) (after[i] - before[i]) / served));
                }
                System.out.println("mixed stress: " + served + " requests on 200 connections; bytes per request:"
                        + report);
                for (int i = 0; i < threads.size(); i++) {
                    assertThat((double) (after[i] - before[i]) / served)
                            .as("bytes per request on " + threads.get(i).getName()).isLessThan(1.0);
                }
            } finally {
                for (RawHttp client : clients) {
                    if (client != null) {
                        client.close();
                    }
                }
            }
        }
    }

    /**
     * Every client, on a virtual thread, sends {@code batches} random batches of 1 to 3 pipelined requests, each
     * answered before the next: a count, not a time, so that a busy machine measures as many requests as an idle one.
     */
    private static void run(RawHttp[] clients, int batches, AtomicLong requests, long seed) throws Exception {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> done = new ArrayList<>();
            for (int c = 0; c < clients.length; c++) {
                RawHttp client = clients[c];
                SplittableRandom random = new SplittableRandom(seed * 1000 + c);
                done.add(executor.submit(() -> {
                    for (int b = 0; b < batches; b++) {
                        int depth = 1 + random.nextInt(3);
                        StringBuilder batch = new StringBuilder();
                        for (int i = 0; i < depth; i++) {
                            batch.append(REQUESTS[random.nextInt(REQUESTS.length)]);
                        }
                        client.send(batch.toString());
                        for (int i = 0; i < depth; i++) {
                            RawHttp.Response response = client.read();
                            if (response == null || response.status() != 200) {
                                throw new AssertionError("answer " + (response == null ? "missing" : response.status()));
                            }
                        }
                        requests.addAndGet(depth);
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        }
    }

    private static long[] allocated(List<Thread> threads) {
        long[] bytes = new long[threads.size()];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = THREADS.getThreadAllocatedBytes(threads.get(i).threadId());
        }
        return bytes;
    }
}
