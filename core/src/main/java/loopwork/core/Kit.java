package loopwork.core;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import loopwork.core.loop.AcceptLoop;
import loopwork.core.loop.Clock;
import loopwork.core.loop.WorkerLoop;
import loopwork.core.transport.TransportFamily;
import loopwork.core.transport.Transports;

/**
 * A running set of accept loops and workers serving one protocol on one address.
 *
 * <pre>{@code
 * try (Kit kit = Kit.builder().port(9000).acceptThreads(2).workerThreads(2).protocol(new Echo()).build()) {
 *     kit.start();
 *     ...
 * }
 * }</pre>
 *
 * <p>Thread-safe: built and started on one thread; {@link #close()} may come from any thread, once.
 * The loops and workers, their mailboxes and task slots are allocated by {@link KitBuilder#build()}, before any
 * thread starts; each loop makes its connection contexts as connections come, a slab at a time, and keeps them.
 */
public final class Kit implements AutoCloseable {

    /** How long {@link #close()} waits for its threads before it interrupts those still running. */
    public static final long STOP_GRACE_MS = 10_000;
    private static final long DRAIN_POLL_MS = 10;

    private final KitConfig config;
    private final HeapBudget heapBudget;
    /** The sockets' state of every loop's connections, freed last. */
    private final TransportFamily transport;
    /** Stepped by a {@link ManualKit}, whose threads never start. */
    final AcceptLoop[] loops;
    final WorkerLoop[] workers;
    private final List<LoopStatistics> loopStats;
    private final List<WorkerStatistics> workerStats;
    /** The protocol's counters, as its handlers were made: at build, and by a worker growing its virtual threads. */
    private final ProtocolCounters counters = new ProtocolCounters();
    private int port = -1;
    private final KitListeners listeners;
    private volatile InetSocketAddress address;
    private boolean started;
    private boolean draining;
    private volatile boolean closed; // volatile: awaitDrained gives up once another thread has closed the kit
    /** Opened when {@link #close()} has returned: what {@link #await()} waits for. */
    private final java.util.concurrent.CountDownLatch closeReturned = new java.util.concurrent.CountDownLatch(1);

    Kit(KitConfig config, Protocol protocol, HeapBudget heapBudget) throws IOException {
        this(config, protocol, heapBudget, Transports.of(config.transport()), Clock.SYSTEM);
    }

    /** On {@code transport}, every loop reading {@code clock}: a {@link ManualKit}'s memory and manual clock. */
    Kit(KitConfig config, Protocol protocol, HeapBudget heapBudget, TransportFamily transport, Clock clock)
            throws IOException {
        this.config = config;
        this.heapBudget = heapBudget;
        TaskTypes taskTypes = new TaskTypes();
        protocol.registerTasks(taskTypes);
        TaskType[] types = taskTypes.toArray();
        workers = new WorkerLoop[config.workerThreads()];
        loops = new AcceptLoop[config.acceptThreads()];
        byte[] refusal = protocol.refusal();
        this.transport = transport;
        try {
            for (int i = 0; i < workers.length; i++) {
                LoopInfo blocking = new LoopInfo(i, 0, config.inputBufferBytes(), config.outputBufferBytes(),
                        LoopInfo.Role.WORKER_BLOCKING, config.workerThreads());
                LoopInfo loop = new LoopInfo(i, 0, config.inputBufferBytes(), config.outputBufferBytes(),
                        LoopInfo.Role.WORKER_LOOP, config.workerThreads());
                // A worker's loop takes back at most a worker's worth of tasks at once: its mailbox need not
                // hold what all workers' slots do, as an accept loop's does.
                int loopMailbox = Math.max(64, config.taskSlotsPerWorker());
                workers[i] = new WorkerLoop(i, config.taskSlotsPerWorker(), loopMailbox, workers, types,
                        protocol.newHandler(blocking, counters.of(blocking)),
                        protocol.newHandler(loop, counters.of(loop)),
                        config.inputBufferBytes(), config.outputBufferBytes(), transport, config.handOffLimits(),
                        config.queueTimeoutMs(), config.log(), clock, config.syncThreads() == SyncThreads.VIRTUAL
                                ? () -> protocol.newHandler(blocking, counters.of(blocking)) : null);
            }
            for (int i = 0; i < loops.length; i++) {
                LoopInfo info = new LoopInfo(i, config.acceptCapacity(), config.inputBufferBytes(),
                        config.outputBufferBytes(), LoopInfo.Role.ACCEPT_LOOP, config.workerThreads());
                loops[i] = new AcceptLoop(info, protocol.newHandler(info, counters.of(info)), refusal, workers, types,
                        config.mailboxCapacity(), transport, config.queueTimeoutMs(), config.log(), clock);
            }
        } catch (IOException | RuntimeException | Error e) {
            for (AcceptLoop loop : loops) {
                if (loop != null) {
                    loop.release();
                }
            }
            for (WorkerLoop worker : workers) {
                if (worker != null) {
                    worker.release();
                }
            }
            transport.close();
            throw e;
        }
        for (WorkerLoop worker : workers) {
            worker.homes(loops);
        }
        LoopStatistics[] loopViews = new LoopStatistics[loops.length];
        for (int i = 0; i < loops.length; i++) {
            loopViews[i] = loops[i].stats();
        }
        WorkerStatistics[] workerViews = new WorkerStatistics[workers.length];
        for (int i = 0; i < workers.length; i++) {
            workerViews[i] = workers[i].stats();
        }
        loopStats = List.of(loopViews);
        listeners = new KitListeners(config, loops);
        workerStats = List.of(workerViews);
    }

    /** {@return a builder with the library's defaults (see {@link KitBuilder}), to set and {@code build()}} */
    public static KitBuilder builder() {
        return new KitBuilder();
    }

    /**
     * Binds every loop's listening socket to the configured address (the first one picks the port when it is
     * 0, the others join it with SO_REUSEPORT), or serves the inherited ones, then starts workers and loops.
     * Unless {@link KitBuilder#reusePort}, the first bind fails if any socket listens on the address already:
     * a {@link java.net.BindException} naming the address. A second call throws {@link IllegalStateException}.
     *
     * @throws IOException when a socket cannot be bound or served; the kit is closed then
     */
    public synchronized void start() throws IOException {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        try {
            address = listeners.open();
        } catch (IOException e) {
            close();
            throw e;
        }
        port = address.getPort();
        for (WorkerLoop worker : workers) {
            worker.start();
        }
        for (AcceptLoop loop : loops) {
            loop.start();
        }
    }

    /**
     * Duplicates of the kit's listening sockets, one per socket (not per loop, when loops share inherited ones),
     * for a successor to take over (see {@link ControlSocket}); the caller closes them. Under the kit's lock,
     * so that {@link #close()} cannot close a descriptor while it is being duplicated.
     *
     * @return new file descriptors, one per listening socket, owned by the caller
     * @throws IOException when the kit does not serve or its transport hides descriptors (NIO)
     */
    public synchronized int[] duplicateListeners() throws IOException {
        if (!started || draining || closed) { // a draining loop closes its listener on its own thread
            throw new IOException("the kit is not serving");
        }
        return listeners.duplicate();
    }

    /** {@return where the first loop listens (the address it bound or inherited); null before {@link #start()}} */
    public InetSocketAddress address() {
        return address;
    }

    /** {@return the port every loop listens on, the one the system chose for port 0; -1 before {@link #start()}} */
    public int port() {
        return port;
    }

    /** {@return the settings the kit was built with, defaults resolved} */
    public KitConfig config() {
        return config;
    }

    /** {@return the heap the kit holds at start and per context, as estimated and checked when it was built} */
    public HeapBudget heapBudget() {
        return heapBudget;
    }

    /** {@return each accept loop's counters, by {@link LoopInfo#index()}: live views, the same list on every call} */
    public List<LoopStatistics> loopStats() {
        return loopStats;
    }

    /** {@return each worker's counters, in worker order: live read-only views, the same list on every call} */
    public List<WorkerStatistics> workerStats() {
        return workerStats;
    }

    /**
     * {@return the counters the protocol made for its handlers, in the order they were made} Live views, the same
     * list on every call; see {@link Protocol#newHandler(LoopInfo, CounterRegistry)}.
     */
    public List<LoopCounter> protocolCounters() {
        return counters.view();
    }

    /** {@return loop cycles, on accept loops and workers, that failed on a bug in the kit and were survived} */
    public long unexpectedFailures() {
        long sum = 0;
        for (AcceptLoop loop : loops) {
            sum += loop.failures();
        }
        for (WorkerLoop worker : workers) {
            sum += worker.failures() + worker.loopFailures();
        }
        return sum;
    }

    /** {@return whether the pools' buffers are reserved lazily (pages resident only once used)} */
    public boolean lazyPoolMemory() {
        return loops[0].lazyPoolMemory();
    }

    /** {@return the loops' threads, then each worker's blocking thread and loop's: for per-thread measurements} */
    public List<Thread> threads() {
        List<Thread> threads = new ArrayList<>();
        for (AcceptLoop loop : loops) {
            threads.add(loop.thread());
        }
        for (WorkerLoop worker : workers) {
            threads.add(worker.thread());
            threads.add(worker.loopThread());
        }
        return threads;
    }

    /**
     * Begins a graceful drain, returning at once: each accept loop takes what the kernel queued and stops listening;
     * each handler hears {@link ConnectionHandler#onDrain}, and {@link Connection#draining()} is true from then on.
     * {@link #awaitDrained} waits for the last connection; {@link #close()} then resets what is still open.
     */
    public synchronized void drain() {
        if (draining || closed) {
            return;
        }
        draining = true;
        for (WorkerLoop worker : workers) {
            worker.drain(); // first: a connection handed off or moved finds its worker draining when it arrives
        }
        for (AcceptLoop loop : loops) {
            loop.drain();
        }
    }

    /**
     * {@return whether no connection is open} Waits until none is, {@code timeoutMs} passed or the kit closed.
     *
     * @param timeoutMs the longest wait, in milliseconds
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public boolean awaitDrained(long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (openConnections() > 0 && !closed) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            Thread.sleep(DRAIN_POLL_MS); // the loops count their own connections; a glance now and then is enough
        }
        return openConnections() == 0;
    }

    /** {@return connections open now, on every accept loop (those away on a worker included)} Any thread. */
    public long openConnections() {
        long open = 0;
        for (AcceptLoop loop : loops) {
            open += loop.stats().open();
        }
        return open;
    }

    /**
     * Stops the loops (closing every connection still open), then the workers, then closes their listeners and
     * pollers and frees the pools' memory; a kit whose start failed half-way is closed the same way. A task
     * running on a worker runs to its end; a blocking handler's next read, write or wait fails. After {@link
     * #STOP_GRACE_MS} a thread still running (a task that does not end) is interrupted, and the memory is freed
     * only if that ends it. When it returns, every context is back in its pool (what a worker sent home as it
     * stopped included), and each connection's handler heard {@link ConnectionHandler#onClose}. Idempotent: a
     * second call returns at once.
     */
    @Override
    public void close() {
        close(STOP_GRACE_MS);
    }

    /**
     * As {@link #close()}, with {@code graceMs} for a running task or blocking handler to end before it is interrupted.
     *
     * @param graceMs milliseconds to wait for the kit's threads, 0 to interrupt them at once
     */
    public synchronized void close(long graceMs) {
        if (closed) {
            return;
        }
        closed = true;
        try {
            stopAndRelease(graceMs);
        } finally {
            closeReturned.countDown();
        }
    }

    /**
     * Blocks until {@link #close()} has returned, called by another thread (a shutdown hook, a signal handler): for
     * an application whose main thread has nothing to do but serve (see docs/kit.md). The kit's threads are not
     * daemons, so a JVM whose kit was started but never closed does not exit.
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public void await() throws InterruptedException {
        closeReturned.await();
    }

    private void stopAndRelease(long graceMs) {
        for (AcceptLoop loop : loops) {
            loop.stop();
        }
        ThreadStop stop = new ThreadStop(graceMs);
        for (AcceptLoop loop : loops) {
            stop.join(loop.thread());
        }
        for (WorkerLoop worker : workers) {
            worker.stop();
        }
        if (stop.joinAll(threads())) { // only once no thread can touch the buffers, pollers or listeners
            for (AcceptLoop loop : loops) {
                loop.reclaim(); // what workers sent home as they stopped: every pool full when close returns
            }
            for (AcceptLoop loop : loops) {
                loop.release();
            }
            for (WorkerLoop worker : workers) {
                worker.release();
            }
            transport.close();
        }
    }
}
