package loopwork.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import loopwork.core.Kit;
import loopwork.core.LoopStatistics;
import loopwork.core.WorkerStatistics;

/**
 * A RESP server on 127.0.0.1 and a free port, for tests at the edge; closing it checks that every context came
 * back to its pool and that no handler failed.
 */
final class RespServer implements AutoCloseable {

    final Kit kit;

    private RespServer(Kit kit) {
        this.kit = kit;
    }

    /** One accept loop, {@code workers} workers, keys on the loop or on the workers, this input buffer. */
    static RespServer start(int workers, boolean keysOnWorkers, int inputBytes) throws IOException {
        Kit kit = Kit.builder().port(0).acceptThreads(1).acceptCapacity(64).workerThreads(workers)
                .inputBufferBytes(inputBytes).outputBufferBytes(16_384)
                .protocol(new RespProtocol(RespLimits.DEFAULTS, keysOnWorkers)).build();
        try {
            kit.start();
        } catch (IOException | RuntimeException e) {
            kit.close();
            throw e;
        }
        return new RespServer(kit);
    }

    int port() {
        return kit.port();
    }

    @Override
    public void close() throws InterruptedException {
        // Clients closed their sockets just before: the loop hears it at its next cycle.
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (kit.openConnections() > 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
        }
        assertThat(kit.openConnections()).as("connections open after the clients closed").isZero();
        kit.close();
        for (LoopStatistics loop : kit.loopStats()) {
            assertThat(loop.poolFree()).as("free contexts of a loop's pool").isEqualTo(loop.capacity());
            assertThat(loop.handlerErrors()).as("handler errors").isZero();
        }
        for (WorkerStatistics worker : kit.workerStats()) {
            assertThat(worker.held()).as("connections a worker holds").isZero();
        }
        assertThat(kit.unexpectedFailures()).as("loop cycles failed on a bug").isZero();
    }
}
