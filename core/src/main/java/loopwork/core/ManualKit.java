package loopwork.core;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;

import loopwork.core.loop.AcceptLoop;
import loopwork.core.loop.LoopStepper;
import loopwork.core.loop.ManualClock;
import loopwork.core.transport.MemoryTransport;

/**
 * A kit whose loops a test steps by hand: the kit {@link KitBuilder#buildManual()} assembles, with its protocol,
 * buffers, pools, workers, task slots, queue timeout and hand-off limits, but on an in-memory transport and a
 * clock that moves only when told, and with no thread of its own. Clients {@link #connect()}; each step runs
 * one cycle of every loop (the accept loops, then each worker's blocking side and its loop) on the test's
 * thread. No sockets, no sleeps: what a test sees depends on what it sent and how far it moved the clock, never
 * on scheduling. As Netty's {@code EmbeddedChannel} and Aeron's agents driven by their tests with a fake clock.
 *
 * <pre>{@code
 * try (ManualKit kit = Kit.builder().protocol(new Echo()).acceptThreads(1).workerThreads(1)
 *         .acceptCapacity(4).buildManual()) {
 *     ManualClient client = kit.connect();
 *     client.send("hello\n");
 *     kit.runUntilIdle();                        // accepted, read, answered
 *     assertEquals("hello\n", client.receivedAscii());
 *     kit.advanceMs(30_000);                     // an idle timeout's timer fires, exactly when due
 *     assertTrue(client.isClosedByServer());
 *     assertTrue(kit.poolsFull());               // every context came back
 * }
 * }</pre>
 *
 * <p>The clock starts at 0 and a timer set at {@code t} for {@code d} ms fires in the step that brings the clock
 * to {@code t + d}, not before. A worker's blocking handler ({@link Connection#handOff}) runs on the test's
 * thread too: what it reads should have been sent before the step that runs it. When it waits for its client
 * to send or to take more, nothing can happen meanwhile, so each wait passes as time: the clock moves by the
 * wait's length until the {@link HandOffLimits} stall runs out, and the handler sees a
 * {@link java.net.SocketTimeoutException}, as it would with a client that never acts. With
 * {@link SyncThreads#VIRTUAL} the handler runs on a virtual thread instead, and each step waits for it to give
 * the connection back (done, or waiting for its client), so a step still runs it as far as it can go; a wait
 * for the client then lets the kit go on, and ends when the client acts, or as timed out when the clock
 * reaches the stall.
 *
 * <p>Settings about sockets (host, port, backlog, transport, accept deferral) are not used. Set the accept and
 * worker threads: their defaults follow the machine's cores. The heap is not checked: a test's pools are small.
 *
 * <p>Not thread-safe: owned by the thread that built it, which does all the stepping; handlers run on it.
 */
public final class ManualKit implements AutoCloseable {

    private final Kit kit;
    private final MemoryTransport transport;
    private final ManualClock clock;
    private final LoopStepper stepper;

    ManualKit(KitConfig config, Protocol protocol, HeapBudget heapBudget) throws IOException {
        clock = new ManualClock(0);
        transport = new MemoryTransport(clock::advance);
        kit = new Kit(config, protocol, heapBudget, transport, clock);
        try {
            for (AcceptLoop loop : kit.loops) {
                loop.bind(new InetSocketAddress(0), config.backlog(), 0, false);
            }
        } catch (IOException | RuntimeException e) {
            kit.close();
            throw e;
        }
        stepper = new LoopStepper(kit.loops, kit.workers, clock);
    }

    /** {@return a client connecting to accept loop 0, which accepts it at its next step} */
    public ManualClient connect() {
        return connect(0);
    }

    /**
     * {@return a client connecting to accept loop {@code loop}, which accepts it at its next step}
     *
     * @param loop the accept loop's index, 0 to {@link KitConfig#acceptThreads()} - 1
     */
    public ManualClient connect(int loop) {
        return new ManualClient(transport.connect(loop));
    }

    /**
     * One cycle of every loop: the accept loops, then each worker's blocking side and its loop.
     *
     * @return the work they did: events handled, messages taken from their mailboxes, timers fired; 0 when
     *         nothing was ready
     */
    public int step() {
        return stepper.step();
    }

    /**
     * Steps until a whole round does nothing: what the clients sent is read and answered, and what the loops
     * sent each other (tasks and their completions, hand-offs, moves, returns) has arrived.
     *
     * @return the work done, summed over the steps as {@link #step()} counts it
     * @throws IllegalStateException when the loops still have work after 10,000 rounds
     *         ({@code LoopStepper.MAX_ROUNDS}), as with a protocol that keeps itself busy
     */
    public int runUntilIdle() {
        return stepper.runUntilIdle();
    }

    /**
     * Moves the clock {@code ms} milliseconds on, stopping at each deadline on the way (a timer, a queue
     * timeout) to run until idle there, as loops woken by their timers would; then runs until idle at the end.
     *
     * @param ms how far to move the clock, in milliseconds, 0 or more
     * @return the work done, summed as {@link #step()} counts it
     */
    public int advanceMs(long ms) {
        return stepper.advanceMs(ms);
    }

    /**
     * Until {@link #resumeWorkers()}, steps leave out the workers' blocking sides, as if each were busy with a
     * long task: tasks and hand-offs wait in their slots, and past the queue timeout are taken back
     * ({@link ConnectionHandler#onQueueTimeout}). The workers' own loops, which serve moved connections, go on.
     */
    public void pauseWorkers() {
        stepper.pauseWorkers(true);
    }

    /** Steps take in the workers' blocking sides again: what waits in their slots runs at the next step. */
    public void resumeWorkers() {
        stepper.pauseWorkers(false);
    }

    /** {@return the kit's clock, in milliseconds since it was built: what {@link Connection#nowMs()} shows handlers} */
    public long nowMs() {
        return clock.nowMs();
    }

    /**
     * {@return whether every context is back in its loop's pool, with no connection open or away on a worker}
     * Every test should end with it true.
     */
    public boolean poolsFull() {
        for (LoopStatistics loop : kit.loopStats()) {
            if (loop.poolFree() != loop.capacity() || loop.open() != 0 || loop.away() != 0) {
                return false;
            }
        }
        for (WorkerStatistics worker : kit.workerStats()) {
            if (worker.held() != 0) {
                return false;
            }
        }
        return true;
    }

    /** Begins the kit's drain ({@link Kit#drain()}): each loop begins it at its next step. */
    public void drain() {
        kit.drain();
    }

    /** {@return the connections open now, summed over every loop (those away on a worker included)} */
    public long openConnections() {
        long open = 0;
        for (LoopStatistics loop : kit.loopStats()) {
            open += loop.open();
        }
        return open;
    }

    /** {@return each accept loop's counters, in loop order; see {@link Kit#loopStats()}} */
    public List<LoopStatistics> loopStats() {
        return kit.loopStats();
    }

    /** {@return each worker's counters, in worker order; see {@link Kit#workerStats()}} */
    public List<WorkerStatistics> workerStats() {
        return kit.workerStats();
    }

    /** {@return the protocol's counters; see {@link Kit#protocolCounters()}} */
    public List<LoopCounter> protocolCounters() {
        return kit.protocolCounters();
    }

    /** {@return the settings the kit was built with, socket settings included though unused here} */
    public KitConfig config() {
        return kit.config();
    }

    /** The clock and each pool's and worker's state, for a failed assertion's message. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("ManualKit at ").append(clock.nowMs()).append(" ms:");
        for (int i = 0; i < kit.loopStats().size(); i++) {
            LoopStatistics loop = kit.loopStats().get(i);
            text.append(" loop ").append(i).append(' ').append(loop.poolFree()).append('/').append(loop.capacity())
                    .append(" free, ").append(loop.open()).append(" open, ").append(loop.away()).append(" away;");
        }
        for (int i = 0; i < kit.workerStats().size(); i++) {
            text.append(" worker ").append(i).append(' ').append(kit.workerStats().get(i).held()).append(" held;");
        }
        return text.toString();
    }

    /**
     * Closes what is still open, each handler told ({@link ConnectionHandler#onClose}) as when a kit stops, and
     * frees the pools' memory.
     */
    @Override
    public void close() {
        try {
            stepper.close();
        } finally {
            kit.close();
        }
    }
}
