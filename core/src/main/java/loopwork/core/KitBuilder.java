package loopwork.core;

import java.io.IOException;
import java.io.PrintStream;

/**
 * Builds a {@link Kit}: settings with the original server's defaults, checked on {@link #build()}.
 *
 * <p>Not thread-safe: used by one thread, usually main.
 */
public final class KitBuilder {
    // The ranges of the settings, checked here and only here; the server's options name them in their help.
    public static final int MAX_PORT = 65_535;
    public static final int MIN_BUFFER_BYTES = 256;
    public static final int MAX_BUFFER_BYTES = 1 << 20;
    public static final int MAX_ACCEPT_THREADS = 1024;
    public static final int MAX_ACCEPT_CAPACITY = 1_000_000;
    public static final int MAX_WORKER_THREADS = 1024;
    public static final int MIN_TASK_SLOTS = 2;
    /** A power of two: an accept loop's mailbox holds what all workers' slots do, up to 2^20 slots. */
    public static final int MAX_TASK_SLOTS = 65_536;
    public static final int MAX_DEFER_ACCEPT_SECONDS = 3600;
    public static final int MAX_QUEUE_TIMEOUT_MS = 3_600_000;

    /** How long a task or hand-off may wait for its worker by default: see {@link #queueTimeoutMs}. */
    public static final long DEFAULT_QUEUE_TIMEOUT_MS = 5_000;

    private String host = "0.0.0.0";
    private int port = 9000;
    private int acceptThreads = Runtime.getRuntime().availableProcessors();
    private int acceptCapacity = 100_000;
    private int workerThreads = -1;
    private int taskSlotsPerWorker = 1024;
    private int inputBufferBytes = 4096;
    private int outputBufferBytes = 4096;
    private int backlog = 4096;
    private int deferAcceptSeconds;
    private boolean deferAcceptAdaptive;
    private Transport transport = Transport.preferred();
    private HandOffLimits handOffLimits = HandOffLimits.DEFAULTS;
    private long queueTimeoutMs = DEFAULT_QUEUE_TIMEOUT_MS;
    private PrintStream log;
    private Protocol protocol;
    private SyncThreads syncThreads = SyncThreads.DEFAULT;

    KitBuilder() {
    }

    public KitBuilder host(String value) {
        host = value;
        return this;
    }

    public KitBuilder port(int value) {
        port = value;
        return this;
    }

    public KitBuilder acceptThreads(int value) {
        acceptThreads = value;
        return this;
    }

    public KitBuilder acceptCapacity(int value) {
        acceptCapacity = value;
        return this;
    }

    /** Worker threads; the default, -1, means as many as accept threads. */
    public KitBuilder workerThreads(int value) {
        workerThreads = value;
        return this;
    }

    public KitBuilder taskSlotsPerWorker(int value) {
        taskSlotsPerWorker = value;
        return this;
    }

    public KitBuilder inputBufferBytes(int value) {
        inputBufferBytes = value;
        return this;
    }

    public KitBuilder outputBufferBytes(int value) {
        outputBufferBytes = value;
        return this;
    }

    public KitBuilder backlog(int value) {
        backlog = value;
        return this;
    }

    /**
     * Accept a connection only once its first bytes arrived, or after about {@code seconds} (Linux's
     * TCP_DEFER_ACCEPT, epoll transport only; 0, the default, accepts at once). For protocols whose client
     * speaks first, as HTTP's does: the loop then wakes once for a connection and finds its request there,
     * and a connection that sends nothing costs no context until the time is up. Never for a protocol whose
     * server speaks first: its clients would wait that long for a greeting.
     */
    public KitBuilder deferAcceptSeconds(int seconds) {
        deferAcceptSeconds = seconds;
        deferAcceptAdaptive = false;
        return this;
    }

    /**
     * {@link #deferAcceptSeconds} only where it pays, each loop deciding for its own listener from its last
     * connections: on once over a quarter of a window of 64 arrived before their first bytes (many clients
     * connecting at once: a wake-up then brings several connections with their requests, not one connection
     * and later its request), and off after 32 windows to look again, so connections that come one at a time
     * with their requests, whose loop's wake-up deferring would only delay, are accepted at once. On NIO,
     * which cannot defer, it stays off. Same rule: client-speaks-first protocols only.
     */
    public KitBuilder deferAcceptAdaptively(int seconds) {
        deferAcceptSeconds = seconds;
        deferAcceptAdaptive = true;
        return this;
    }

    /** NIO or epoll; by default {@link Transport#preferred()}: epoll where it works. */
    public KitBuilder transport(Transport value) {
        transport = value;
        return this;
    }

    /**
     * How long a handed-off connection's peer may keep its worker waiting;
     * {@link HandOffLimits#DEFAULTS} by default.
     */
    public KitBuilder handOffLimits(HandOffLimits value) {
        handOffLimits = value;
        return this;
    }

    /**
     * How long a task or a hand-off may wait for its worker to start it, 1 to 3,600,000 ms; by default
     * {@value #DEFAULT_QUEUE_TIMEOUT_MS}. Past it, its loop takes the work back unstarted and the handler
     * hears {@link ConnectionHandler#onQueueTimeout} (HTTP answers 503), as HAProxy's {@code timeout queue}
     * does: a client told at once that the server is busy can go elsewhere, instead of waiting behind a
     * backlog of work that may take minutes.
     */
    public KitBuilder queueTimeoutMs(long value) {
        queueTimeoutMs = value;
        return this;
    }

    /** Debug output (connections opened and refused, handler failures); null for none. */
    public KitBuilder log(PrintStream value) {
        log = value;
        return this;
    }

    /** What runs a blocking handler (see {@link SyncThreads}); {@link SyncThreads#DEFAULT} by default. */
    public KitBuilder syncThreads(SyncThreads value) {
        syncThreads = value;
        return this;
    }

    public KitBuilder protocol(Protocol value) {
        protocol = value;
        return this;
    }

    /** The settings as they would be built, defaults resolved, after checking them. */
    public KitConfig config() {
        check("port", port, 0, MAX_PORT);
        check("acceptThreads", acceptThreads, 1, MAX_ACCEPT_THREADS);
        check("acceptCapacity", acceptCapacity, 1, MAX_ACCEPT_CAPACITY);
        int workers = workerThreads < 0 ? acceptThreads : workerThreads;
        check("workerThreads", workers, 0, MAX_WORKER_THREADS);
        check("taskSlotsPerWorker", taskSlotsPerWorker, MIN_TASK_SLOTS, MAX_TASK_SLOTS);
        if (Integer.bitCount(taskSlotsPerWorker) != 1) {
            throw new IllegalArgumentException("taskSlotsPerWorker must be a power of two, not " + taskSlotsPerWorker);
        }
        check("inputBufferBytes", inputBufferBytes, MIN_BUFFER_BYTES, MAX_BUFFER_BYTES);
        check("outputBufferBytes", outputBufferBytes, MIN_BUFFER_BYTES, MAX_BUFFER_BYTES);
        check("backlog", backlog, 1, 1 << 16);
        check("deferAcceptSeconds", deferAcceptSeconds, 0, MAX_DEFER_ACCEPT_SECONDS);
        check("queueTimeoutMs", queueTimeoutMs, 1, MAX_QUEUE_TIMEOUT_MS);
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must be an address or name");
        }
        if (handOffLimits == null) {
            throw new IllegalArgumentException("handOffLimits is required");
        }
        if (syncThreads == null) {
            throw new IllegalArgumentException("syncThreads is required");
        }
        if (transport == null || !transport.isAvailable()) {
            throw new IllegalArgumentException("transport " + (transport == null ? "null" : transport.label())
                    + " is not available here: " + loopwork.core.epoll.EpollSupport.unavailabilityCause());
        }
        if (deferAcceptSeconds > 0 && !deferAcceptAdaptive && transport != Transport.EPOLL) {
            throw new IllegalArgumentException("deferAcceptSeconds needs the epoll transport (Java NIO cannot set "
                    + "TCP_DEFER_ACCEPT), not " + transport.label());
        }
        return new KitConfig(host, port, acceptThreads, acceptCapacity, workers, taskSlotsPerWorker,
                inputBufferBytes, outputBufferBytes, backlog, deferAcceptSeconds, deferAcceptAdaptive,
                transport, handOffLimits, queueTimeoutMs, log, syncThreads);
    }

    /**
     * Checks the settings and that the heap can hold what the kit allocates at start, registers the protocol's
     * tasks and allocates the loops and workers; the pools make their contexts as connections come.
     *
     * @throws HeapTooSmallException when the heap cannot hold the start-up part ({@link HeapBudget}), found
     *                               before allocating it, or while allocating it if the estimate fell short
     */
    public Kit build() throws IOException {
        if (protocol == null) {
            throw new IllegalArgumentException("a protocol is required");
        }
        KitConfig config = config();
        HeapBudget heap = HeapBudget.of(config, protocol.heapBytesPerConnection());
        Runtime runtime = Runtime.getRuntime();
        long usedBytes = runtime.totalMemory() - runtime.freeMemory();
        if (!heap.fits(runtime.maxMemory(), usedBytes)) {
            // What is in use counts garbage too (most of it, this early): look again after a collection.
            System.gc();
            usedBytes = runtime.totalMemory() - runtime.freeMemory();
        }
        heap.check(runtime.maxMemory(), usedBytes);
        try {
            return new Kit(config, protocol, heap);
        } catch (OutOfMemoryError e) { // the estimate fell short, or the heap filled meanwhile: the same answer
            throw new HeapTooSmallException(heap, runtime.maxMemory(), usedBytes, e);
        }
    }

    /**
     * A kit whose loops the caller steps by hand, on an in-memory transport and a manual clock, with no threads:
     * for tests. See {@link ManualKit}; these settings, checked as for {@link #build()}, minus the heap check.
     */
    public ManualKit buildManual() throws IOException {
        if (protocol == null) {
            throw new IllegalArgumentException("a protocol is required");
        }
        KitConfig config = config();
        return new ManualKit(config, protocol, HeapBudget.of(config, protocol.heapBytesPerConnection()));
    }

    private static void check(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in " + min + ".." + max + ", not " + value);
        }
    }
}
