package loopwork.core.loop;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import loopwork.core.ConnectionHandler;
import loopwork.core.LoopInfo;
import loopwork.core.log.ShortageLog;
import loopwork.core.transport.Listener;
import loopwork.core.transport.TransportFamily;
import loopwork.core.ring.SlotRing;

/**
 * An accept thread: its own SO_REUSEPORT listening socket (or a descriptor of an inherited one), its own
 * poller, its pool of contexts, and the connections it accepted, which it serves from accept to close unless
 * it hands them to a worker. Every context comes back to this pool on this thread, whichever thread closed
 * its connection.
 *
 * <p>Not thread-safe: owned by its loop thread. Other threads may call {@link #wakeup()}, {@link #stop()},
 * {@link #stats()} and post to its mailbox.
 */
public final class AcceptLoop extends EventLoop {

    /** How long accepting pauses after it failed; the loop's idle poll (1 s) bounds the real wait. */
    private static final long ACCEPT_RETRY_MS = 100;
    /** The System.Logger where running out of descriptors or contexts is logged, at WARNING. */
    public static final String CAPACITY_LOGGER = "loopwork.capacity";

    final int index;
    final LoopStats stats;
    final ConnectionPool pool;
    final ConnectionDriver driver;
    private final ConnectionBuffers buffers;
    private final Listener listener;
    private final ByteBuffer refusal;
    private final long refusalAddress;
    /** While accepting fails (no file descriptors left), when to try again; 0 when accepting. */
    private long acceptResumeMs;
    /** Turns TCP_DEFER_ACCEPT on and off by the load; null when it is fixed. */
    private AcceptDeferral deferral;
    /** Accepts that failed (no descriptors left) and connections refused (no context left): WARNING, rate-limited. */
    private final ShortageLog noDescriptors;
    private final ShortageLog noContexts;

    public AcceptLoop(LoopInfo info, ConnectionHandler handler, byte[] refusal, WorkerLoop[] workers,
            loopwork.core.TaskType[] taskTypes, int mailboxCapacity, TransportFamily transport, long queueTimeoutMs,
            PrintStream log) throws IOException {
        this(info, handler, refusal, workers, taskTypes, mailboxCapacity, transport, queueTimeoutMs, log,
                Clock.SYSTEM);
    }

    /** As above, reading the time from {@code clock}: {@link Clock#SYSTEM}, or a test's. */
    public AcceptLoop(LoopInfo info, ConnectionHandler handler, byte[] refusal, WorkerLoop[] workers,
            loopwork.core.TaskType[] taskTypes, int mailboxCapacity, TransportFamily transport, long queueTimeoutMs,
            PrintStream log, Clock clock) throws IOException {
        super("loopwork-loop-" + info.index(), mailboxCapacity, transport, clock);
        index = info.index();
        stats = new LoopStats(info.capacity());
        stats.writer(thread());
        buffers = new ConnectionBuffers(info.capacity(), info.inputCapacity(), info.outputCapacity());
        pool = new ConnectionPool(info.capacity(), ConnectionPool.SLAB_SIZE, this::newContext, owner, stats);
        TaskOffload offload = new TaskOffload(owner, this.clock, mailbox, WorkerLoop.blockingSides(workers),
                WorkerLoop.loops(workers), taskTypes, -1, queueTimeoutMs, stats.counters);
        driver = new ConnectionDriver(owner, this.clock, poller, handler,
                new HandlerFailures(name(), stats.counters.handlerErrors, log), stats.counters, offload,
                info.inputCapacity(), info.outputCapacity(), pool, stats, null);
        this.refusal = ByteBuffer.allocateDirect(refusal.length).put(refusal).flip();
        refusalAddress = MemorySegment.ofBuffer(this.refusal).address();
        listener = poller.openListener(index, info.capacity());
        System.Logger capacityLog = System.getLogger(CAPACITY_LOGGER);
        noDescriptors = new ShortageLog(capacityLog, this::name, "accepts failed", ShortageLog.INTERVAL_MS,
                this.clock.nowMs());
        noContexts = new ShortageLog(capacityLog, this::name, "connections refused", ShortageLog.INTERVAL_MS,
                this.clock.nowMs());
    }

    /** The pools of {@code loops}, by loop index. */
    static ConnectionPool[] pools(AcceptLoop[] loops) {
        ConnectionPool[] pools = new ConnectionPool[loops.length];
        for (int i = 0; i < loops.length; i++) {
            pools[i] = loops[i].pool;
        }
        return pools;
    }

    /** The mailboxes of {@code loops}, where connections away come home. */
    static Mailbox[] mailboxes(AcceptLoop[] loops) {
        Mailbox[] mailboxes = new Mailbox[loops.length];
        for (int i = 0; i < loops.length; i++) {
            mailboxes[i] = loops[i].mailbox;
        }
        return mailboxes;
    }

    /** The pool's factory: the context of {@code id}, over its buffers. */
    ConnectionContext newContext(int id) {
        return new ConnectionContext(id, index, owner, clock, buffers.input(id), buffers.inputAddress(id),
                buffers.output(id), buffers.outputAddress(id));
    }

    public LoopStats stats() {
        return stats;
    }

    @Override
    public void start() {
        stats.threadId(thread().threadId());
        super.start();
    }

    /** Whether pool buffers are committed lazily (mmap), so reserved memory is not resident memory. */
    public boolean lazyPoolMemory() {
        return buffers.isLazy();
    }

    /**
     * Binds the listening socket with SO_REUSEPORT, so every loop can bind the same address; with
     * {@code deferAcceptSeconds} > 0 (epoll), connections are accepted once their first bytes arrived: always,
     * or, when {@code adaptive}, while that saves this loop wake-ups (see {@link AcceptDeferral}).
     */
    public InetSocketAddress bind(InetSocketAddress address, int backlog, int deferAcceptSeconds, boolean adaptive)
            throws IOException {
        return bind(address, backlog, deferAcceptSeconds, adaptive, false);
    }

    /** As above; with {@code exclusive}, failing if any socket listens on the address already. */
    public InetSocketAddress bind(InetSocketAddress address, int backlog, int deferAcceptSeconds, boolean adaptive,
            boolean exclusive) throws IOException {
        return listener.bind(address, backlog, deferral(deferAcceptSeconds, adaptive), exclusive);
    }

    /**
     * Serves listening socket {@code fd}, inherited or taken over, instead of binding one; it is this loop's
     * from now on, closed with it. Deferring as {@link #bind} does.
     */
    public InetSocketAddress adopt(int fd, int deferAcceptSeconds, boolean adaptive) throws IOException {
        return listener.adopt(fd, deferral(deferAcceptSeconds, adaptive));
    }

    /** The listening socket's descriptor, to pass on; -1 where there is none (see {@link Listener#descriptor}). */
    public int listenerDescriptor() {
        return listener.descriptor();
    }

    /** Sets deferring up: the seconds the listener starts with (0 when this loop decides as it goes). */
    private int deferral(int deferAcceptSeconds, boolean adaptive) {
        if (adaptive && deferAcceptSeconds > 0) {
            deferral = new AcceptDeferral(listener, deferAcceptSeconds, stats.deferringAccept);
            return 0;
        }
        stats.deferringAccept.set(deferAcceptSeconds > 0 ? 1 : 0);
        return deferAcceptSeconds;
    }

    @Override
    ConnectionContext context(int home, int id) {
        return pool.context(id);
    }

    /** Accepts until the listening socket has no more (EAGAIN). */
    @Override
    void onAcceptable() {
        for (;;) {
            int accepted = listener.accept();
            if (accepted == Listener.NONE) {
                return;
            }
            if (accepted == Listener.FAILED) {
                // Out of file descriptors, typically: the listener stays ready, so retrying at once would
                // spin. Stop watching it for a moment; the connections already open are served meanwhile.
                stats.acceptErrors.increment();
                listener.watch(false);
                acceptResumeMs = clock.nowMs() + ACCEPT_RETRY_MS;
                debug("accept failed, retrying in " + ACCEPT_RETRY_MS + " ms: ", listener.failure());
                if (noDescriptors.tryLog(clock.nowMs())) {
                    noDescriptors.log("cannot accept a connection (" + listener.failure() + "); accepting"
                            + " pauses " + ACCEPT_RETRY_MS + " ms at a time until descriptors are free again. Raise the"
                            + " open-files limit (ulimit -n, LimitNOFILE=) or lower the accept capacity");
                }
                return;
            }
            ConnectionContext context = pool.take();
            if (context == null) {
                refuse();
                continue;
            }
            if (!listener.acceptInto(context.id)) {
                pool.release(context);
                continue;
            }
            stats.accepted.increment();
            stats.open.increment();
            if (driver.failures.debug() != null) {
                debug("connection " + context.id, " open");
            }
            boolean heard = driver.opened(context);
            if (deferral != null) {
                deferral.accepted(heard);
            }
        }
    }

    /** One line on the debug output, if there is one. */
    private void debug(String what, String more) {
        if (driver.failures.debug() != null) {
            driver.failures.debug().println(name() + ": " + what + more);
        }
    }

    /** The pool is empty: send the protocol's refusal, close, count it, and keep serving the others. */
    private void refuse() {
        stats.rejected.increment();
        debug("pool empty, connection refused", "");
        if (noContexts.tryLog(clock.nowMs())) {
            noContexts.log("connection refused with the protocol's refusal (HTTP 503): all "
                    + stats.capacity() + " contexts of the loop's pool are in use. Raise the accept capacity (-C) or"
                    + " the accept threads (-A)");
        }
        listener.refuse(driver.input.scratch(), driver.input.scratchAddress(), refusal, refusalAddress);
    }

    @Override
    void afterPoll() {
        if (noDescriptors.counted() > 0 || noContexts.counted() > 0) { // reads the clock only after a shortage
            long nowMs = clock.nowMs();
            noDescriptors.reportCounted(nowMs);
            noContexts.reportCounted(nowMs);
        }
        if (acceptResumeMs != 0 && clock.nowMs() - acceptResumeMs >= 0) {
            acceptResumeMs = listener.watch(true) ? 0 : clock.nowMs() + ACCEPT_RETRY_MS;
        }
    }

    @Override
    ConnectionDriver driver() {
        return driver;
    }

    /**
     * Takes every connection the kernel has queued for this listener, stops listening (only what arrives after
     * this is refused, or, with {@code net.ipv4.tcp_migrate_req}, goes to another listener of the port), and tells
     * each connection it serves that the kit drains; those accepted here are answered as their requests come.
     */
    @Override
    void onDrain() {
        driver.actions.draining = true; // before accepting: their answers say the connection ends
        if (acceptResumeMs == 0) { // else accepting fails (no descriptors left): what is queued cannot be taken
            onAcceptable();
        }
        acceptResumeMs = 0;
        listener.close();
        ContextDirectory.forEachServedBy(pool, driver, driver.events::drain);
    }

    @Override
    void onMessage(SlotRing ring, long position) {
        ConnectionContext context = pool.context(ring.header(position, Messages.CONNECTION));
        switch (ring.header(position, Messages.KIND)) {
            case Messages.TASK_DONE -> {
                mailbox.unreserve();
                driver.events.onTaskDone(context, ring, position);
            }
            case Messages.RETURNED -> {
                mailbox.unreserve();
                driver.trips.cameBack();
                driver.events.arrive(context);
            }
            case Messages.CLOSED_AWAY -> {
                mailbox.unreserve();
                driver.trips.cameBack();
                driver.closer.closedAway(context);
            }
            case Messages.NONE -> {
                // a task claim the kit gave up (with no workers, tasks are claimed in this mailbox)
            }
            default -> throw new IllegalStateException("unexpected message " + ring.header(position, Messages.KIND));
        }
    }

    @Override
    void onClose() {
        // Those at home: a worker closes what it holds when it stops.
        ContextDirectory.forEachServedBy(pool, driver, driver.closer::closeAtStop);
        listener.close();
    }

    /**
     * After every thread has ended: takes back what workers sent home after this loop stopped (a connection
     * returned open, which is closed now; one closed away; a task's completion), so that the pool is full again.
     */
    public void reclaim() {
        assert owner.isCurrent() : owner.notOwner("reclaim");
        SlotRing ring = mailbox.ring;
        for (long position; (position = ring.peek()) >= 0; ring.release(position)) {
            if (ring.header(position, Messages.KIND) != Messages.RETURNED) {
                onMessage(ring, position);
                continue;
            }
            ConnectionContext context = pool.context(ring.header(position, Messages.CONNECTION));
            mailbox.unreserve();
            driver.trips.cameBack();
            context.away = false;
            context.servedBy = driver.actions; // home's again, closed without a last handler call but onClose
            driver.closer.close(context);
        }
    }

    /**
     * After the thread has ended, or when it never started: closes the listener (if the loop did not), the
     * poller and its eventfd, and frees the pool's memory. Only now: until every thread that could wake this
     * loop has ended, closing the eventfd could let a late wake-up write to a descriptor number reused by then.
     */
    public void release() {
        listener.close();
        poller.close();
        buffers.close();
    }
}
