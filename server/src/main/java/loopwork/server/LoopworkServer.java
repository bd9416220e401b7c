package loopwork.server;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import loopwork.core.HandOffLimits;
import loopwork.core.HeapBudget;
import loopwork.core.InheritedListeners;
import loopwork.core.Kit;
import loopwork.core.KitBuilder;
import loopwork.core.KitConfig;
import loopwork.core.Transport;
import loopwork.http.HttpLimits;
import loopwork.http.HttpProtocol;
import loopwork.http.HttpStats;
import loopwork.http.Route;
import loopwork.http.RouteTable;

/**
 * The demo server assembled from the kit: HTTP with the routes {@code /test/fast}, {@code /test/slow}
 * and the rest of the demo, {@code /metrics}, {@code /healthz} and {@code /readyz}, on the settings of the command
 * line; and, unless turned off, the operator's own listener for the last three ({@link AdminListener}).
 *
 * <p>Thread-safe: started on one thread; {@link #close()} may come from a shutdown hook.
 */
public final class LoopworkServer implements AutoCloseable {

    private final Kit kit;
    private final HttpProtocol http;
    private final MetricsRoute metrics;
    private final Readiness readiness;
    /** The operator's listener, or null when off or when its default address was taken. */
    private final AdminListener admin;

    private LoopworkServer(Kit kit, HttpProtocol http, MetricsRoute metrics, Readiness readiness,
            AdminListener admin) {
        this.kit = kit;
        this.http = http;
        this.metrics = metrics;
        this.readiness = readiness;
        this.admin = admin;
    }

    /** What {@code /test/slow} does: the original's task, or a hand-off, or a move to a worker's loop. */
    public enum SlowMode {
        TASK, SYNC, ASYNC
    }

    /** Builds and starts a server with default limits; port 0 picks a free port (tests). */
    public static LoopworkServer start(String host, int port, int acceptThreads, int acceptCapacity,
            int workerThreads, int slowDurationMs, int taskSlots, PrintStream log) throws IOException {
        return start(host, port, acceptThreads, acceptCapacity, workerThreads, slowDurationMs, taskSlots,
                SlowMode.TASK, log);
    }

    /** Builds and starts a server with default limits; port 0 picks a free port (tests). */
    public static LoopworkServer start(String host, int port, int acceptThreads, int acceptCapacity,
            int workerThreads, int slowDurationMs, int taskSlots, SlowMode slowMode, PrintStream log)
            throws IOException {
        return start(new ServerOptions.Settings(host, port, acceptThreads, acceptCapacity, workerThreads,
                slowDurationMs, slowMode, taskSlots, ServerOptions.DEFAULT_MAX_HEAD, HttpLimits.DEFAULTS,
                ServerOptions.DEFAULT_HANDOFF_MIN_RATE, (int) KitBuilder.DEFAULT_QUEUE_TIMEOUT_MS, Transport.preferred(),
                0, false, false, false, null, null),
                log);
    }

    static LoopworkServer start(ServerOptions.Settings s, PrintStream log) throws IOException {
        return start(s, log, ServerOptions.Listening.DEFAULT, InheritedListeners.none(), InheritedListeners.none());
    }

    /**
     * With {@code listening}'s port ownership, serving {@code inherited} sockets if there are any, and the admin
     * listener on {@code inheritedAdmin} if a take-over passed one (see {@link #kits()}).
     */
    static LoopworkServer start(ServerOptions.Settings s, PrintStream log, ServerOptions.Listening listening,
            InheritedListeners inherited, InheritedListeners inheritedAdmin) throws IOException {
        MetricsRoute metrics = new MetricsRoute();
        int slowMs = s.slowDurationMs();
        Route slow = switch (s.slowMode()) {
            case TASK -> new TaskRoute("/test/slow", slowMs);
            case SYNC -> new SyncRoute("/test/slow", slowMs);
            case ASYNC -> new AsyncRoute("/test/slow", slowMs);
        };
        Readiness readiness = new Readiness();
        List<Route> operations = List.of(metrics, new HealthRoute(), new ReadyRoute(readiness));
        List<Route> routes = new ArrayList<>(List.of(new FastRoute(), slow, new SyncRoute("/test/sync", slowMs),
                new AsyncRoute("/test/async", slowMs), new StreamRoute()));
        routes.addAll(operations);
        RouteTable table = new RouteTable();
        routes.forEach(table::add);
        HttpProtocol http = new HttpProtocol(DemoRoutes.register(table), s.limits(), s.bodyBuffers(),
                s.largeBodyBuffers());
        KitBuilder builder = Kit.builder().host(s.host()).port(s.port()).acceptThreads(s.acceptThreads())
                .acceptCapacity(s.acceptCapacity()).workerThreads(s.workerThreads()).taskSlotsPerWorker(s.taskSlots())
                .inputBufferBytes(s.maxHead()).transport(s.transport())
                .handOffLimits(new HandOffLimits(s.limits().writeTimeoutMs(), s.handOffMinRate()))
                .queueTimeoutMs(s.queueTimeoutMs())
                .syncThreads(s.syncThreads())
                .log(log).protocol(http);
        if (s.deferAcceptAdaptive()) {
            builder.deferAcceptAdaptively(s.deferAcceptSeconds());
        } else {
            builder.deferAcceptSeconds(s.deferAcceptSeconds());
        }
        builder.reusePort(listening.reusePort()).inheritListeners(inherited);
        Kit kit = builder.build();
        metrics.bind(kit, http, readiness);
        // The admin listener first: /readyz answers "starting" there until the main listener is up.
        AdminListener admin = null;
        try {
            admin = startAdmin(s, operations, inheritedAdmin);
            kit.start();
        } catch (IOException | RuntimeException e) {
            kit.close();
            if (admin != null) {
                admin.close();
            }
            throw e;
        }
        readiness.markReady();
        return new LoopworkServer(kit, http, metrics, readiness, admin);
    }

    /**
     * The admin listener of the settings, or null when it is off. An address asked for that cannot be had fails
     * the start; the default one (127.0.0.1:9090), when taken (by another instance, say), is only warned about.
     */
    private static AdminListener startAdmin(ServerOptions.Settings s, List<Route> routes, InheritedListeners inherited)
            throws IOException {
        ServerOptions.Admin wanted = s.admin();
        if (wanted == null) {
            inherited.close(); // taken over but not wanted: nobody would accept what queues there
            return null;
        }
        try {
            return AdminListener.start(wanted.host(), wanted.port(), s.transport(), routes, inherited);
        } catch (IOException e) {
            if (wanted.required()) {
                throw new IOException("admin listener (--admin-port): " + e.getMessage()
                        + "; choose another --admin-port, or 0 for none", e);
            }
            System.getLogger(LoopworkServer.class.getName()).log(System.Logger.Level.WARNING, "no admin listener: "
                    + e.getMessage() + "; /metrics, /healthz and /readyz are on the main port only (set --admin-port"
                    + " to another port, or 0 for none)");
            return null;
        }
    }

    public Kit kit() {
        return kit;
    }

    /**
     * The kits whose listening sockets a successor takes over, in order: the main one, then the admin listener's
     * when it is on epoll (an IPv6 admin address runs on NIO, whose sockets cannot be passed: the successor binds
     * its own once this one is gone).
     */
    List<Kit> kits() {
        return admin == null || admin.kit().config().transport() != Transport.EPOLL ? List.of(kit)
                : List.of(kit, admin.kit());
    }

    /**
     * Taken over: the admin listener stops accepting (the successor serves its socket now; scrapes and probes
     * there must reach the successor alone) and the main kit drains.
     */
    void handedOver() {
        if (admin != null) {
            admin.kit().drain();
        }
        beginDrain();
    }

    public int port() {
        return kit.port();
    }

    /** Whether the server takes traffic, as /readyz says. */
    public Readiness readiness() {
        return readiness;
    }

    /** Turns /readyz to 503 "draining" from now on: the first thing a drain does, so balancers stop sending. */
    public void markDraining() {
        readiness.markDraining();
    }

    /** The admin listener's port, or -1 when there is none. */
    public int adminPort() {
        return admin == null ? -1 : admin.port();
    }

    public List<HttpStats> httpStats() {
        return http.stats();
    }

    /** The /metrics text, as a scrape would get it. */
    public String metricsText() {
        return metrics.render();
    }

    /**
     * The start-up report: threads, address, and the pool memory per accept thread and in total, as the
     * original prints, and beside it the heap the kit holds at start and per context (an estimate, see
     * {@link HeapBudget}), with about how many contexts this heap holds.
     */
    public String report(int slowDurationMs) {
        KitConfig c = kit.config();
        long perLoopKb = c.poolBufferBytesPerLoop() / 1024;
        HeapBudget heap = kit.heapBudget();
        long maxHeap = Runtime.getRuntime().maxMemory();
        return String.format(Locale.ROOT,
                "loopwork listening on %s:%d%s%n"
                        + "accept threads: %d (one SO_REUSEPORT socket and event loop each), worker threads: %d%s, "
                        + "slow duration: %d ms, transport: %s%s%s%n"
                        + "pool memory: %,d KB per accept thread, %,d KB total "
                        + "(%,d contexts per thread, %d B input + %d B output buffer each; %s); "
                        + "heap: %,d KB at start for mailboxes and task slots, and about %d B per context, made as "
                        + "connections come and kept (%,d KB with every pool full)%s%n",
                c.inherited().isEmpty() ? c.host() : kit.address().getAddress().getHostAddress(), kit.port(),
                c.inherited().isEmpty() ? "" : " (sockets from " + c.inherited().origin() + ")",
                c.acceptThreads(), c.workerThreads(),
                c.workerThreads() == 0 ? " (slow work runs on the accept threads)"
                        : " (hand-offs on " + c.syncThreads().label() + " threads)", slowDurationMs,
                c.transport().label(),
                systemCalls(c),
                deferring(c),
                perLoopKb, perLoopKb * c.acceptThreads(), c.acceptCapacity(), c.inputBufferBytes(),
                c.outputBufferBytes(),
                kit.lazyPoolMemory() ? "reserved address space, resident only once used" : "allocated at start",
                heap.startBytes() / 1024, heap.bytesPerContext(), heap.fullBytes() / 1024,
                maxHeap == Long.MAX_VALUE ? "" : String.format(Locale.ROOT, "; a %,d MB maximum heap holds about "
                        + "%,d contexts", maxHeap >> 20, heap.contextsThatFit(maxHeap, usedHeap())))
                + (admin == null ? "" : String.format(Locale.ROOT, "admin listener on %s:%d (/metrics, /healthz, "
                        + "/readyz; %d contexts of its own)%n", admin.kit().config().host(), admin.port(),
                        AdminListener.CONTEXTS));
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** Says so when epoll's system calls go through glibc (see {@link Transport#systemCallsThroughGlibcBecause}). */
    private static String systemCalls(KitConfig c) {
        String because = c.transport().systemCallsThroughGlibcBecause();
        return because == null ? "" : " (system calls through glibc: " + because + ")";
    }

    /** How the report describes TCP_DEFER_ACCEPT: always, by the load, or (off) not at all. */
    private static String deferring(KitConfig c) {
        if (!c.mayDeferAccept()) {
            return "";
        }
        return (c.deferAcceptAdaptive() ? ", accepting once a request arrived while connections come faster "
                + "than requests" : ", accepting once a request arrived") + " (at most ~" + c.deferAcceptSeconds()
                + " s)";
    }

    /**
     * Drains (see {@link Kit#drain()}): turns unready, stops listening, finishes what was asked, closes idle
     * connections, and waits at most {@code timeoutMs} for the last one to close; returns how many are still open
     * then, which {@link #close()} resets.
     */
    public long drain(long timeoutMs) throws InterruptedException {
        beginDrain();
        return awaitDrained(timeoutMs);
    }

    /** Turns /readyz to 503 (draining) and nothing else: the server serves on as before (see --drain-delay). */
    public void markUnready() {
        readiness.markDraining();
    }

    /** The drain's start, returning at once: unready first, so that a load balancer's next check takes it out. */
    public void beginDrain() {
        readiness.markDraining();
        kit.drain();
    }

    /** Waits at most {@code timeoutMs} for the drain's last connection to close; how many are still open. */
    public long awaitDrained(long timeoutMs) throws InterruptedException {
        kit.awaitDrained(timeoutMs);
        return kit.openConnections();
    }

    /** Unready at once, then the main kit closes; the admin listener last, so it answers while the rest stops. */
    @Override
    public void close() {
        readiness.markDraining();
        kit.close();
        if (admin != null) {
            admin.close();
        }
    }

    /** Stops now: what is open is reset, a task or blocking handler still running is interrupted. */
    public void closeNow() {
        readiness.markDraining();
        kit.close(0);
        if (admin != null) {
            admin.close();
        }
    }
}
