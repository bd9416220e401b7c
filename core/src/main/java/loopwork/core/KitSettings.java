package loopwork.core;

import static loopwork.core.KitBuilder.DEFAULT_ACCEPT_CAPACITY;
import static loopwork.core.KitBuilder.DEFAULT_HOST;
import static loopwork.core.KitBuilder.DEFAULT_QUEUE_TIMEOUT_MS;
import static loopwork.core.KitBuilder.MAX_ACCEPT_CAPACITY;
import static loopwork.core.KitBuilder.MAX_ACCEPT_THREADS;
import static loopwork.core.KitBuilder.MAX_BUFFER_BYTES;
import static loopwork.core.KitBuilder.MAX_DEFER_ACCEPT_SECONDS;
import static loopwork.core.KitBuilder.MAX_PORT;
import static loopwork.core.KitBuilder.MAX_QUEUE_TIMEOUT_MS;
import static loopwork.core.KitBuilder.MAX_TASK_SLOTS;
import static loopwork.core.KitBuilder.MAX_WORKER_THREADS;
import static loopwork.core.KitBuilder.MIN_BUFFER_BYTES;
import static loopwork.core.KitBuilder.MIN_TASK_SLOTS;

import java.io.PrintStream;

/**
 * The settings a {@link KitBuilder} was given, its defaults until then, and their check: each setter of the
 * builder writes its field here, and {@link #config()} resolves and checks them all at once.
 *
 * <p>Not thread-safe: its builder's, used by the builder's one thread.
 */
final class KitSettings {
    String host = DEFAULT_HOST;
    int port = 9000;
    int acceptThreads = Runtime.getRuntime().availableProcessors();
    int acceptCapacity = DEFAULT_ACCEPT_CAPACITY;
    int workerThreads = -1;
    int taskSlotsPerWorker = 1024;
    int inputBufferBytes = 4096;
    int outputBufferBytes = 4096;
    int backlog = 4096;
    int deferAcceptSeconds;
    boolean deferAcceptAdaptive;
    Transport transport = Transport.preferred();
    HandOffLimits handOffLimits = HandOffLimits.DEFAULTS;
    long queueTimeoutMs = DEFAULT_QUEUE_TIMEOUT_MS;
    PrintStream log;
    SyncThreads syncThreads = SyncThreads.DEFAULT;
    // Who owns the port: see reusePort and inheritListeners.
    boolean reusePort;
    InheritedListeners inherited = InheritedListeners.none();

    /**
     * The settings, defaults resolved, checked in a fixed order.
     *
     * @return the settings as a kit would be built with them
     * @throws IllegalArgumentException naming the first setting out of its range
     */
    KitConfig config() {
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

    private static void check(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in " + min + ".." + max + ", not " + value);
        }
    }
}
