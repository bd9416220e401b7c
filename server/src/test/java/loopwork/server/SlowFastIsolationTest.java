package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** A slow request in flight on a loop does not hold up fast requests on that same loop. */
class SlowFastIsolationTest {

    @Test
    void fastIsAnsweredWhileASlowTaskRunsOnTheSameLoop() throws Exception {
        // One loop, so both connections are on it; the slow task takes 2 s on the worker.
        try (TestServer server = TestServer.start(1, 16, 1, 2000);
                RawHttp slow = new RawHttp(server.port());
                RawHttp fast = new RawHttp(server.port())) {
            slow.send(RawHttp.SLOW);
            for (int i = 0; i < 100; i++) {
                assertThat(fast.exchange(RawHttp.FAST).status()).isEqualTo(200);
            }
            // All 100 fast answers came back while the slow one is still being worked on.
            assertThat(server.loops().get(0).tasksCompleted()).isZero();
            assertThat(slow.socket.getInputStream().available()).isZero();
            assertThat(slow.read().status()).isEqualTo(200);
        }
    }

    @Test
    void withNoWorkersSlowWorkRunsOnTheLoopAsTheOriginalDoes() throws Exception {
        try (TestServer server = TestServer.start(1, 16, 0, 20);
                RawHttp client = new RawHttp(server.port())) {
            client.send(RawHttp.SLOW + RawHttp.FAST);
            assertThat(client.read().status()).isEqualTo(200);
            assertThat(client.read().status()).isEqualTo(200);
            assertThat(server.server.kit().workerStats()).isEmpty();
            assertThat(server.loops().get(0).tasksCompleted()).isEqualTo(1);
        }
    }

    @Test
    void saturatedWorkersAnswer503AndKeepServing() throws Exception {
        // One worker with two slots: one task runs (its slot is held until it is done), one waits, a third is refused.
        try (var s = LoopworkServer.start("127.0.0.1", 0, 1, 16, 1, 1000, 2, null);
                RawHttp first = new RawHttp(s.port());
                RawHttp second = new RawHttp(s.port());
                RawHttp third = new RawHttp(s.port())) {
            first.send(RawHttp.SLOW);
            waitForOffload(s, 1);
            second.send(RawHttp.SLOW);
            waitForOffload(s, 2);
            RawHttp.Response busy = third.exchange(RawHttp.SLOW);
            assertThat(busy.status()).isEqualTo(503);
            assertThat(busy.head()).contains("Retry-After: 1");
            assertThat(third.exchange(RawHttp.FAST).status()).isEqualTo(200);
            assertThat(first.read().status()).isEqualTo(200);
            assertThat(second.read().status()).isEqualTo(200);
        }
    }

    private static void waitForOffload(LoopworkServer s, long tasks) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (s.kit().loopStats().get(0).tasksOffloaded() < tasks && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
        }
        assertThat(s.kit().loopStats().get(0).tasksOffloaded()).isEqualTo(tasks);
    }
}
