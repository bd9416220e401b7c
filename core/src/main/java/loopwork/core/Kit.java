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
    private int port = -1;
    private boolean started;
    private boolean draining;
    /** Volatile: {@link #awaitDrained} gives up waiting once another thread has closed the kit. */
    private volatile boolean closed;

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
                        LoopInfo.Role.WORKER_BLOCKING);
                LoopInfo loop = new LoopInfo(i, 0, config.inputBufferBytes(), config.outputBufferBytes(),
                        LoopInfo.Role.WORKER_LOOP);
                // A worker's loop takes back at most a worker's worth of tasks at once: its mailbox need not
                // hold what all workers' slots do, as an accept loop's does.
                int loopMailbox = Math.max(64, config.taskSlotsPerWorker());
                workers[i] = new WorkerLoop(i, config.taskSlotsPerWorker(), loopMailbox, workers, types,
                        protocol.newHandler(blocking), protocol.newHandler(loop), config.inputBufferBytes(),
                        config.outputBufferBytes(), transport, config.handOffLimits(),
                        config.queueTimeoutMs(), config.log(), clock,
                        config.syncThreads() == SyncThreads.VIRTUAL ? () -> protocol.newHandler(blocking) : null);
            }
            for (int i = 0; i < loops.length; i++) {
                LoopInfo info = new LoopInfo(i, config.acceptCapacity(), config.inputBufferBytes(),
                        config.outputBufferBytes(), LoopInfo.Role.ACCEPT_LOOP);
                loops[i] = new AcceptLoop(info, protocol.newHandler(info), refusal, workers, types,
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
        workerStats = List.of(workerViews);
    }

    public static KitBuilder builder() {
        return new KitBuilder();
    }

    /**
     * Binds every loop's listening socket to the configured address (the first one picks the port when it is
     * 0, the others join it with SO_REUSEPORT), then starts workers and loops.
     */
    public synchronized void start() throws IOException {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
        try {
            for (AcceptLoop loop : loops) {
                InetSocketAddress bound = loop.bind(address, config.backlog(), config.deferAcceptSeconds(),
                        config.deferAcceptAdaptive());
                address = new InetSocketAddress(bound.getAddress(), bound.getPort());
            }
        } catch (IOException e) {
            close();
            throw new IOException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(), e);
        }
        port = address.getPort();
        for (WorkerLoop worker : workers) {
            worker.start();
        }
        for (AcceptLoop loop : loops) {
            loop.start();
        }
    }

    /** The port every loop listens on; -1 before {@link #start()}. */
    public int port() {
        return port;
    }

    public KitConfig config() {
        return config;
    }

    /** The heap the kit holds at start and per context, as estimated and checked when the kit was built. */
    public HeapBudget heapBudget() {
        return heapBudget;
    }

    /**
     * Each accept loop's counters, in loop order (the index is {@link LoopInfo#index()}): live read-only views,
     * the same list on every call, so reading them allocates nothing.
     */
    public List<LoopStatistics> loopStats() {
        return loopStats;
    }

    /** Each worker's counters, in worker order: live read-only views, the same list on every call. */
    public List<WorkerStatistics> workerStats() {
        return workerStats;
    }

    /** Loop cycles, on accept loops and workers, that failed on a bug in the kit and were survived. */
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

    /** Whether the pools' buffers are reserved lazily (pages resident only once used). */
    public boolean lazyPoolMemory() {
        return loops[0].lazyPoolMemory();
    }

    /** Threads of the loops then the workers (each its blocking thread, then its loop's), for per-thread measurements. */
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
     * Begins a graceful drain and returns at once: each accept loop takes the connections the kernel has queued
     * for it and stops listening; each connection's handler is told ({@link ConnectionHandler#onDrain}), and
     * {@link Connection#draining()} says so from then on, so that protocols answer what was asked and close.
     * {@link #awaitDrained} waits for the last connection to close; {@link #close()} then stops the threads, and
     * resets what is still open. Once only; nothing after {@link #close()}.
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
     * Waits until no connection is open, at most {@code timeoutMs}, or until another thread closes the kit; whether
     * none is open. Any thread.
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

    /** Connections open now, on every accept loop (those away on a worker included). Any thread. */
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
     * only if that ends it.
     */
    @Override
    public void close() {
        close(STOP_GRACE_MS);
    }

    /**
     * As {@link #close()}, giving a running task or blocking handler {@code graceMs} to end before its thread is
     * interrupted: 0 to stop now.
     */
    public synchronized void close(long graceMs) {
        if (closed) {
            return;
        }
        closed = true;
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
                loop.release();
            }
            for (WorkerLoop worker : workers) {
                worker.release();
            }
            transport.close();
        }
    }

    /** Task types registered by the protocol, checked against the slot size as they come. */
    private static final class TaskTypes implements TaskRegistry {
        private final List<TaskType> types = new ArrayList<>();

        @Override
        public int register(TaskType type) {
            int bytes = type.payloadBytes();
            if (bytes < 0 || bytes > TaskPayload.CAPACITY) {
                throw new IllegalArgumentException("task type " + type.getClass().getName() + " needs " + bytes
                        + " payload bytes; a worker slot holds " + TaskPayload.CAPACITY);
            }
            types.add(type);
            return types.size() - 1;
        }

        TaskType[] toArray() {
            return types.toArray(new TaskType[0]);
        }
    }

}
