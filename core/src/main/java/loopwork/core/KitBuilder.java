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
 * <p>A setter only records its value, and returns this builder; {@link #build()} checks them all, throwing an
 * {@link IllegalArgumentException} that names the first setting out of its range.
 *
 * <p>Not thread-safe: used by one thread, usually main.
 */
public final class KitBuilder {
    // The ranges of the settings, checked by KitSettings and only there; the server's options name them in their help.
    /** The largest {@link #port}. */
    public static final int MAX_PORT = 65_535;
    /** The smallest {@link #inputBufferBytes} and {@link #outputBufferBytes}. */
    public static final int MIN_BUFFER_BYTES = 256;
    /** The largest {@link #inputBufferBytes} and {@link #outputBufferBytes}: 1 MiB. */
    public static final int MAX_BUFFER_BYTES = 1 << 20;
    /** The most {@link #acceptThreads}. */
    public static final int MAX_ACCEPT_THREADS = 1024;
    /** The largest {@link #acceptCapacity}. */
    public static final int MAX_ACCEPT_CAPACITY = 1_000_000;
    /** The most {@link #workerThreads}. */
    public static final int MAX_WORKER_THREADS = 1024;
    /** The fewest {@link #taskSlotsPerWorker}. */
    public static final int MIN_TASK_SLOTS = 2;
    /** A power of two: an accept loop's mailbox holds what all workers' slots do, up to 2^20 slots. */
    public static final int MAX_TASK_SLOTS = 65_536;
    /** The longest {@link #deferAcceptSeconds}: an hour. */
    public static final int MAX_DEFER_ACCEPT_SECONDS = 3600;
    /** The longest {@link #queueTimeoutMs}: an hour. */
    public static final int MAX_QUEUE_TIMEOUT_MS = 3_600_000;

    /** The address a kit listens on by default: the loopback only. */
    public static final String DEFAULT_HOST = "127.0.0.1";
    /** Connections each accept loop holds at once by default. */
    public static final int DEFAULT_ACCEPT_CAPACITY = 1024;
    /** How long a task or hand-off may wait for its worker by default: see {@link #queueTimeoutMs}. */
    public static final long DEFAULT_QUEUE_TIMEOUT_MS = 5_000;

    private final KitSettings settings = new KitSettings();
    private Protocol protocol;

    KitBuilder() {
    }

    /**
     * The address to listen on, a literal or a name; {@value #DEFAULT_HOST} by default. {@code 0.0.0.0} listens
     * on every interface (the epoll transport speaks IPv4: an IPv6 address needs {@link Transport#NIO}).
     *
     * @param value an address or host name, resolved when the kit starts; null or blank fails the build
     * @return this builder
     */
    public KitBuilder host(String value) {
        settings.host = value;
        return this;
    }

    /**
     * The TCP port; 9000 by default. 0 lets the system pick one, which {@link Kit#port()} tells once started.
     *
     * @param value the port, 0 to {@value #MAX_PORT}
     * @return this builder
     */
    public KitBuilder port(int value) {
        settings.port = value;
        return this;
    }

    /**
     * Accept loops, each with its own listening socket (SO_REUSEPORT: the kernel spreads connections over them),
     * pool and thread; by default one per available processor.
     *
     * @param value accept loops, 1 to {@value #MAX_ACCEPT_THREADS}; raised to the number of inherited sockets
     * @return this builder
     */
    public KitBuilder acceptThreads(int value) {
        settings.acceptThreads = value;
        return this;
    }

    /**
     * Connections each accept loop holds at once; {@value #DEFAULT_ACCEPT_CAPACITY} by default. One more is
     * refused with {@link Protocol#refusal()}. Each costs an input and an output buffer of address space,
     * committed only once used, and heap once first used ({@link HeapBudget}).
     *
     * @param value connections per accept loop, 1 to {@value #MAX_ACCEPT_CAPACITY}
     * @return this builder
     */
    public KitBuilder acceptCapacity(int value) {
        settings.acceptCapacity = value;
        return this;
    }

    /**
     * Worker threads, which run tasks and serve connections handed off or moved to them; by default as many as
     * accept loops. With 0, tasks run on the loop itself and trips are refused.
     *
     * @param value workers, 0 to {@value #MAX_WORKER_THREADS}, or -1 (the default) for one per accept loop
     * @return this builder
     */
    public KitBuilder workerThreads(int value) {
        settings.workerThreads = value;
        return this;
    }

    /**
     * Task slots each worker has; 1024 by default. A task, hand-off or move takes one; when a worker's are all
     * taken, a claim goes to another, and when all are, it is refused (answer "busy").
     *
     * @param value slots per worker, a power of two from {@value #MIN_TASK_SLOTS} to {@value #MAX_TASK_SLOTS}
     * @return this builder
     */
    public KitBuilder taskSlotsPerWorker(int value) {
        settings.taskSlotsPerWorker = value;
        return this;
    }

    /**
     * Bytes of each connection's input buffer; 4096 by default. A message that must be whole to be parsed must
     * fit: see {@link ConnectionHandler#onInputFull}.
     *
     * @param value bytes per connection, {@value #MIN_BUFFER_BYTES} to {@value #MAX_BUFFER_BYTES}
     * @return this builder
     */
    public KitBuilder inputBufferBytes(int value) {
        settings.inputBufferBytes = value;
        return this;
    }

    /**
     * Bytes of each connection's output buffer; 4096 by default: the most one {@link Connection#write} may queue,
     * and the chunk {@link Connection#send} copies (a worker's blocking writes go through one as large).
     *
     * @param value bytes per connection, {@value #MIN_BUFFER_BYTES} to {@value #MAX_BUFFER_BYTES}
     * @return this builder
     */
    public KitBuilder outputBufferBytes(int value) {
        settings.outputBufferBytes = value;
        return this;
    }

    /**
     * The listening sockets' backlog of connections not yet accepted; 4096 by default.
     *
     * @param value connections the kernel may queue per listening socket, 1 to 65,536
     * @return this builder
     */
    public KitBuilder backlog(int value) {
        settings.backlog = value;
        return this;
    }

    /**
     * Accept a connection only once its first bytes arrived, or after about {@code seconds} (Linux's
     * TCP_DEFER_ACCEPT, epoll transport only; 0, the default, accepts at once). For protocols whose client
     * speaks first, as HTTP's does: the loop then wakes once for a connection and finds its request there,
     * and a connection that sends nothing costs no context until the time is up. Never for a protocol whose
     * server speaks first: its clients would wait that long for a greeting.
     *
     * @param seconds the longest wait for a connection's first bytes, 0 to {@value #MAX_DEFER_ACCEPT_SECONDS}
     * @return this builder
     */
    public KitBuilder deferAcceptSeconds(int seconds) {
        settings.deferAcceptSeconds = seconds;
        settings.deferAcceptAdaptive = false;
        return this;
    }

    /**
     * {@link #deferAcceptSeconds} only where it pays, each loop deciding for its own listener from its last
     * connections: on once over a quarter of a window of 64 arrived before their first bytes (many clients
     * connecting at once: a wake-up then brings several connections with their requests, not one connection
     * and later its request), and off after 32 windows to look again, so connections that come one at a time
     * with their requests, whose loop's wake-up deferring would only delay, are accepted at once. On NIO,
     * which cannot defer, it stays off. Same rule: client-speaks-first protocols only.
     *
     * @param seconds the wait while deferring is on, 0 (never defer) to {@value #MAX_DEFER_ACCEPT_SECONDS}
     * @return this builder
     */
    public KitBuilder deferAcceptAdaptively(int seconds) {
        settings.deferAcceptSeconds = seconds;
        settings.deferAcceptAdaptive = true;
        return this;
    }

    /**
     * NIO or epoll; by default {@link Transport#preferred()}: epoll where it works.
     *
     * @param value the transport; one not {@link Transport#isAvailable() available} here fails the build
     * @return this builder
     */
    public KitBuilder transport(Transport value) {
        settings.transport = value;
        return this;
    }

    /**
     * How long a handed-off connection's peer may keep its worker waiting;
     * {@link HandOffLimits#DEFAULTS} by default.
     *
     * @param value the limits, not null
     * @return this builder
     */
    public KitBuilder handOffLimits(HandOffLimits value) {
        settings.handOffLimits = value;
        return this;
    }

    /**
     * How long a task or a hand-off may wait for its worker to start it; {@value #DEFAULT_QUEUE_TIMEOUT_MS} ms by
     * default. Past it, its loop takes the work back unstarted and the handler
     * hears {@link ConnectionHandler#onQueueTimeout} (HTTP answers 503), as HAProxy's {@code timeout queue}
     * does: a client told at once that the server is busy can go elsewhere, instead of waiting behind a
     * backlog of work that may take minutes.
     *
     * @param value milliseconds, 1 to {@value #MAX_QUEUE_TIMEOUT_MS}
     * @return this builder
     */
    public KitBuilder queueTimeoutMs(long value) {
        settings.queueTimeoutMs = value;
        return this;
    }

    /**
     * Debug output (connections opened and refused, handler failures); null for none.
     *
     * @param value where the loops print, from their own threads; null (the default) for nothing
     * @return this builder
     */
    public KitBuilder log(PrintStream value) {
        settings.log = value;
        return this;
    }

    /**
     * What runs a blocking handler (see {@link SyncThreads}); {@link SyncThreads#DEFAULT} by default.
     *
     * @param value platform or virtual, not null
     * @return this builder
     */
    public KitBuilder syncThreads(SyncThreads value) {
        settings.syncThreads = value;
        return this;
    }

    /**
     * Whether to join sockets that already listen on the address (SO_REUSEPORT, sharing the connections with
     * them, as instances run side by side do). False by default: {@link Kit#start()} then fails with a
     * {@link java.net.BindException} if any socket listens there already, whatever its options, so that a port
     * is never shared by accident. The kit's own loops share it either way.
     *
     * @param value true to share the port with other processes' sockets
     * @return this builder
     */
    public KitBuilder reusePort(boolean value) {
        settings.reusePort = value;
        return this;
    }

    /**
     * Serve these listening sockets instead of binding the host and port (socket activation, a take-over):
     * see {@link InheritedListeners}. The kit gets at least as many accept loops as sockets. Epoll only.
     *
     * @param value the sockets, not null: {@link InheritedListeners#none()}, the default, binds as usual
     * @return this builder
     */
    public KitBuilder inheritListeners(InheritedListeners value) {
        settings.inherited = value;
        return this;
    }

    /**
     * The protocol the kit serves; required.
     *
     * @param value the protocol, whose {@link Protocol#newHandler} the build calls once per thread of the kit
     * @return this builder
     */
    public KitBuilder protocol(Protocol value) {
        protocol = value;
        return this;
    }

    /**
     * The settings as {@link #build()} would use them, defaults resolved, after checking them.
     *
     * @return the checked settings; the builder may still change, and build others
     * @throws IllegalArgumentException naming the first setting out of its range
     */
    public KitConfig config() {
        return settings.config();
    }

    /**
     * Checks the settings and that the heap can hold what the kit allocates at start, registers the protocol's
     * tasks and allocates the loops and workers; the pools make their contexts as connections come.
     *
     * @return the kit, allocated but not started: call {@link Kit#start()}, and {@link Kit#close()} in the end
     * @throws HeapTooSmallException    when the heap cannot hold the start-up part ({@link HeapBudget}), found
     *                                  before allocating it, or while allocating it if the estimate fell short
     * @throws IllegalArgumentException if no protocol was set, or a setting is out of its range
     * @throws IOException              if the transport cannot make a loop's poller or memory
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
     *
     * @return the stepped kit, to close when done
     * @throws IOException as {@link #build()} does
     */
    public ManualKit buildManual() throws IOException {
        if (protocol == null) {
            throw new IllegalArgumentException("a protocol is required");
        }
        KitConfig config = config();
        return new ManualKit(config, protocol, HeapBudget.of(config, protocol.heapBytesPerConnection()));
    }
}
