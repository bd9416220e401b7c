package loopwork.core;

import java.io.IOException;
import java.io.PrintStream;

/**
 * Builds a {@link Kit}: settings with a library's defaults, checked on {@link #build()}.
 *
 * <p>The defaults suit a protocol embedded in an application, not a public server: it listens on the loopback
 * address only ({@value #DEFAULT_HOST}: nothing is reachable from the network until the application says
 * so, as a development server or a sidecar wants), and each accept loop holds up to
 * {@value #DEFAULT_ACCEPT_CAPACITY} connections (the pools' memory is reserved for that many up front, committed
 * as connections come). A server sets both explicitly: Loopwork's own binds {@code 0.0.0.0} and holds 100,000
 * per loop, from its options. See {@code docs/kit.md} for the JVM flags an application needs
 * ({@code --enable-native-access=loopwork.core} for the epoll transport and the pools' memory).
 *
 * <p>Not thread-safe: used by one thread, usually main.
 */
public final class KitBuilder {
    // The ranges of the settings, checked here and only here; the server's options name them in their help.
    /** The largest {@link #port}. */
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

    /** The address a kit listens on by default: the loopback only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Connections each accept loop holds at once by default. */
    public static final int DEFAULT_ACCEPT_CAPACITY = 1024;

    /** How long a task or hand-off may wait for its worker by default: see {@link #queueTimeoutMs}. */
    public static final long DEFAULT_QUEUE_TIMEOUT_MS = 5_000;

    private String host = DEFAULT_HOST;
    private int port = 9000;
    private int acceptThreads = Runtime.getRuntime().availableProcessors();
    private int acceptCapacity = DEFAULT_ACCEPT_CAPACITY;
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
    // Who owns the port: see reusePort and inheritListeners.
    private boolean reusePort;
    private InheritedListeners inherited = InheritedListeners.none();

    KitBuilder() {
    }

    /**
     * The address to listen on, a literal or a name; {@value #DEFAULT_HOST} by default. {@code 0.0.0.0} listens
     * on every interface (the epoll transport speaks IPv4: an IPv6 address needs {@link Transport#NIO}).
     */
    public KitBuilder host(String value) {
        host = value;
        return this;
    }

    /** The TCP port, 0 to {@value #MAX_PORT}; 0 lets the system pick one ({@link Kit#port()}). 9000 by default. */
    public KitBuilder port(int value) {
        port = value;
        return this;
    }

    /**
     * Accept loops, each with its own listening socket (SO_REUSEPORT: the kernel spreads connections over them),
     * pool and thread, 1 to {@value #MAX_ACCEPT_THREADS}; by default one per available processor.
     */
    public KitBuilder acceptThreads(int value) {
        acceptThreads = value;
        return this;
    }

    /**
     * Connections each accept loop holds at once, 1 to {@value #MAX_ACCEPT_CAPACITY}; {@value
     * #DEFAULT_ACCEPT_CAPACITY} by default. One more is refused with {@link Protocol#refusal()}. Each costs an
     * input and an output buffer of address space, committed only once used, and heap once first used
     * ({@link HeapBudget}).
     */
    public KitBuilder acceptCapacity(int value) {
        acceptCapacity = value;
        return this;
    }

    /**
     * Worker threads, 0 to {@value #MAX_WORKER_THREADS}, which run tasks and serve connections handed off or
     * moved to them; the default, -1, means as many as accept threads. With 0, tasks run on the loop itself and
     * trips are refused.
     */
    public KitBuilder workerThreads(int value) {
        workerThreads = value;
        return this;
    }

    /**
     * Task slots each worker has, a power of two from {@value #MIN_TASK_SLOTS} to {@value #MAX_TASK_SLOTS}; 1024
     * by default. A task, hand-off or move takes one; when a worker's are all taken, a claim goes to another, and
     * when all are, it is refused (answer "busy").
     */
    public KitBuilder taskSlotsPerWorker(int value) {
        taskSlotsPerWorker = value;
        return this;
    }

    /**
     * Bytes of each connection's input buffer, {@value #MIN_BUFFER_BYTES} to {@value #MAX_BUFFER_BYTES}; 4096 by
     * default. A message that must be whole to be parsed must fit: see {@link ConnectionHandler#onInputFull}.
     */
    public KitBuilder inputBufferBytes(int value) {
        inputBufferBytes = value;
        return this;
    }

    /**
     * Bytes of each connection's output buffer, {@value #MIN_BUFFER_BYTES} to {@value #MAX_BUFFER_BYTES}; 4096 by
     * default: the most one {@link Connection#write} may queue, and the chunk {@link Connection#send} copies.
     */
    public KitBuilder outputBufferBytes(int value) {
        outputBufferBytes = value;
        return this;
    }

    /** The listening sockets' backlog of connections not yet accepted, 1 to 65,536; 4096 by default. */
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

    /**
     * Whether to join sockets that already listen on the address (SO_REUSEPORT, sharing the connections with
     * them, as instances run side by side do). False by default: {@link Kit#start()} then fails with a
     * {@link java.net.BindException} if any socket listens there already, whatever its options, so that a port
     * is never shared by accident. The kit's own loops share it either way.
     */
    public KitBuilder reusePort(boolean value) {
        reusePort = value;
        return this;
    }

    /**
     * Serve these listening sockets instead of binding the host and port (socket activation, a take-over):
     * see {@link InheritedListeners}. The kit gets at least as many accept loops as sockets. Epoll only.
     */
    public KitBuilder inheritListeners(InheritedListeners value) {
        inherited = value;
        return this;
    }

    /** The protocol the kit serves; required. */
    public KitBuilder protocol(Protocol value) {
        protocol = value;
        return this;
    }

    /** The settings as they would be built, defaults resolved, after checking them. */
    public KitConfig config() {
        check("port", port, 0, MAX_PORT);
        check("acceptThreads", acceptThreads, 1, MAX_ACCEPT_THREADS);
        check("acceptCapacity", acceptCapacity, 1, MAX_ACCEPT_CAPACITY);
        if (inherited == null) {
            throw new IllegalArgumentException("inheritListeners must not be null (InheritedListeners.none())");
        }
        int loops = Math.max(acceptThreads, inherited.count()); // every inherited socket gets a loop
        int workers = workerThreads < 0 ? loops : workerThreads;
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
        if (!inherited.isEmpty() && transport != Transport.EPOLL) {
            throw new IllegalArgumentException("inherited listening sockets (" + inherited.origin() + ") need the "
                    + "epoll transport: Java NIO cannot serve a socket it did not open");
        }
        return new KitConfig(host, port, loops, acceptCapacity, workers, taskSlotsPerWorker,
                inputBufferBytes, outputBufferBytes, backlog, deferAcceptSeconds, deferAcceptAdaptive,
                transport, handOffLimits, queueTimeoutMs, log, reusePort, inherited, syncThreads);
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
