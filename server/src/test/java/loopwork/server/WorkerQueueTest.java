package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.BooleanSupplier;

import loopwork.core.LoopStatistics;
import loopwork.core.WorkerStatistics;

import org.junit.jupiter.api.Test;

/**
 * A worker busy with blocking work, seen from HTTP clients over real sockets: the connections moved into
 * its loop are served meanwhile and their timers count from when they are set; work that waits for it
 * past --queue-timeout gets 503 with Retry-After; every refusal is counted. The hand-offs run on the worker's
 * own thread ({@code --sync-threads platform}): on virtual threads a hand-off does not hold its worker.
 */
class WorkerQueueTest {

    private static final String SYNC = "GET /test/sync HTTP/1.1\r\nHost: t\r\n\r\n";
    private static final String ASYNC = "GET /test/async HTTP/1.1\r\nHost: t\r\n\r\n";
    private static final String STREAM = "GET /test/stream?bytes=1073741824 HTTP/1.1\r\nHost: t\r\n\r\n";

    private static WorkerStatistics worker(TestServer server) {
        return server.server.kit().workerStats().get(0);
    }

    private static LoopStatistics loop(TestServer server) {
        return server.loops().get(0);
    }

    /** Polls (bounded) until {@code condition} holds: the server's own counters say when it got there. */
    private static void awaitThat(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("waiting until " + what).isNegative();
            Thread.sleep(5);
        }
    }

    @Test
    void aMovedConnectionIsServedWhileItsWorkerWritesAStreamToAPeerThatDoesNotRead() throws Exception {
        try (TestServer server = TestServer.startQueued(100, 1024, 60_000)) {
            try (RawHttp stalled = new RawHttp(server.port()); RawHttp moved = new RawHttp(server.port())) {
                stalled.send(STREAM); // and never reads: the worker's blocking side waits on it for --write-timeout
                awaitThat("the worker holds the stream", () -> worker(server).handOffs() == 1);
                for (int i = 0; i < 3; i++) {
                    // Before, the move queued behind the stream's hand-off: the read timed out after 10 s.
                    assertThat(moved.exchange(ASYNC).status()).isEqualTo(200);
                }
                // The stream's hand-off is still on (it ends only at --write-timeout, 30 s): no other began.
                assertThat(worker(server).handOffs()).as("hand-offs begun").isEqualTo(1);
                assertThat(worker(server).handOffTimeouts()).isZero();
                stalled.reset();
            }
        }
    }

    @Test
    void aMovedConnectionsTimerCountsFromWhenItArrivesNotFromTheWorkersLastPoll() throws Exception {
        try (TestServer server = TestServer.startQueued(1000, 1024, 60_000);
                RawHttp sync = new RawHttp(server.port()); RawHttp async = new RawHttp(server.port())) {
            sync.send(SYNC);
            awaitThat("the worker serves the hand-off", () -> worker(server).held() == 1);
            Thread.sleep(300); // the scenario: the async request comes while the hand-off has run a while
            long sent = System.nanoTime();
            RawHttp.Response response = async.exchange(ASYNC);
            long tookMs = (System.nanoTime() - sent) / 1_000_000;
            assertThat(response.status()).isEqualTo(200);
            // Before, the worker's clock stood where its last poll left it, before the hand-off: about 0.7 s.
            assertThat(tookMs).as("ms from sending /test/async (-D 1000) to its answer").isGreaterThanOrEqualTo(1000);
            assertThat(sync.read().status()).isEqualTo(200);
        }
    }

    @Test
    void workWaitingForABusyWorkerPastTheQueueTimeoutGets503WithRetryAfter() throws Exception {
        try (TestServer server = TestServer.startQueued(3000, 1024, 300);
                RawHttp busy = new RawHttp(server.port()); RawHttp waiting = new RawHttp(server.port())) {
            busy.send(SYNC); // holds the worker's blocking side for 3 s
            awaitThat("the worker serves the hand-off", () -> worker(server).held() == 1);
            for (String request : new String[] {RawHttp.SLOW, SYNC, RawHttp.SLOW}) {
                long sent = System.nanoTime();
                RawHttp.Response response = waiting.exchange(request);
                long tookMs = (System.nanoTime() - sent) / 1_000_000;
                assertThat(response.status()).as(request).isEqualTo(503);
                assertThat(response.head()).containsIgnoringCase("Retry-After: 1");
                assertThat(response.closes()).as("the connection is kept").isFalse();
                // A 503, not the 200 the work would give once the worker is free: it was taken back unstarted.
                assertThat(tookMs).as("not before the queue timeout").isGreaterThanOrEqualTo(300);
            }
            assertThat(loop(server).queueTimeouts()).isEqualTo(3);
            assertThat(waiting.exchange(RawHttp.FAST).status()).as("the connection goes on").isEqualTo(200);
            assertThat(busy.read().status()).isEqualTo(200);
            assertThat(waiting.exchange(RawHttp.SLOW).status()).as("the worker is free again").isEqualTo(200);
            assertThat(worker(server).tasksRun()).as("expired tasks never ran").isEqualTo(1);
            assertThat(worker(server).handOffs()).as("the expired hand-off never ran").isEqualTo(1);
        }
    }

    @Test
    void aHandOffRefusedForWantOfWorkerSlotsIsCountedAsRefused() throws Exception {
        try (TestServer server = TestServer.startQueued(2000, 2, 60_000);
                RawHttp first = new RawHttp(server.port()); RawHttp second = new RawHttp(server.port());
                RawHttp third = new RawHttp(server.port())) {
            first.send(SYNC); // runs, holding one of the worker's two slots
            awaitThat("the worker serves the first hand-off", () -> worker(server).held() == 1);
            second.send(SYNC); // waits in the other
            awaitThat("the second hand-off is queued", () -> loop(server).away() == 2);
            assertThat(third.exchange(SYNC).status()).isEqualTo(503);
            assertThat(loop(server).tasksRefused()).as("the refused hand-off is counted").isEqualTo(1);
            assertThat(first.read().status()).isEqualTo(200);
            assertThat(second.read().status()).isEqualTo(200);
        }
    }
}
