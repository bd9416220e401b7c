package loopwork.core.loop;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import loopwork.core.ConnectionHandler;
import loopwork.core.LoopInfo;
import loopwork.core.Transport;
import loopwork.core.ring.SlotRing;

/**
 * An accept thread: its own SO_REUSEPORT listening socket, its own poller, its pool of contexts, and the
 * connections it accepted, which it serves from accept to close unless it hands them to a worker. Every
 * context comes back to this pool on this thread, whichever thread closed its connection.
 *
 * <p>Not thread-safe: owned by its loop thread. Other threads may call {@link #wakeup()}, {@link #stop()},
 * {@link #stats()} and post to its mailbox.
 */
public final class AcceptLoop extends EventLoop {

    /** How long accepting pauses after it failed; the loop's idle poll (1 s) bounds the real wait. */
    private static final long ACCEPT_RETRY_MS = 100;

    final int index;
    final LoopStats stats;
    final ConnectionPool pool;
    private final ConnectionBuffers buffers;
    private final Transport transport;
    private final IoScope scope;
    private final Listener listener;
    private final ByteBuffer refusal;
    private final long refusalAddress;
    /** While accepting fails (no file descriptors left), when to try again; 0 when accepting. */
    private long acceptResumeMs;
    /** Turns TCP_DEFER_ACCEPT on and off by the load; null when it is fixed. */
    private AcceptDeferral deferral;

    public AcceptLoop(LoopInfo info, ConnectionHandler handler, byte[] refusal, WorkerLoop[] workers,
            loopwork.core.TaskType[] taskTypes, int mailboxCapacity, Transport transport, long queueTimeoutMs,
            PrintStream log) throws IOException {
        super("loopwork-loop-" + info.index(), mailboxCapacity, transport);
        index = info.index();
        stats = new LoopStats(info.capacity());
        stats.writer(thread());
        scope = new IoScope(this, handler, info.inputCapacity(), info.outputCapacity(), log, stats.counters);
        scope.offload = new TaskOffload(scope, workers, taskTypes, -1, queueTimeoutMs);
        this.transport = transport;
        buffers = new ConnectionBuffers(info.capacity(), info.inputCapacity(), info.outputCapacity());
        pool = new ConnectionPool(info.capacity(), ConnectionPool.SLAB_SIZE, this::newContext, this, stats);
        this.refusal = ByteBuffer.allocateDirect(refusal.length).put(refusal).flip();
        refusalAddress = MemorySegment.ofBuffer(this.refusal).address();
        listener = Listener.open(transport);
    }

    /** The pool's factory: the context of {@code id}, over its buffers. */
    ConnectionContext newContext(int id) {
        return new ConnectionContext(id, buffers.input(id), buffers.inputAddress(id), buffers.output(id),
                buffers.outputAddress(id), this, transport);
    }

    @Override
    IoScope scope() {
        return scope;
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
        if (adaptive && deferAcceptSeconds > 0) {
            deferral = new AcceptDeferral(listener, deferAcceptSeconds, stats.deferringAccept);
            return listener.bind(address, backlog, 0, poller);
        }
        stats.deferringAccept.set(deferAcceptSeconds > 0 ? 1 : 0);
        return listener.bind(address, backlog, deferAcceptSeconds, poller);
    }

    @Override
    ConnectionContext context(int home, int id) {
        return pool.context(id);
    }

    /** Accepts until the listening socket has no more (EAGAIN). */
    @Override
    void onAcceptable() {
        for (;;) {
            int accepted = listener.accept(poller);
            if (accepted == Listener.NONE) {
                return;
            }
            if (accepted == Listener.FAILED) {
                // Out of file descriptors, typically: the listener stays ready, so retrying at once would
                // spin. Stop watching it for a moment; the connections already open are served meanwhile.
                stats.acceptErrors.increment();
                listener.watch(poller, false);
                acceptResumeMs = nowMs() + ACCEPT_RETRY_MS;
                if (scope.log != null) {
                    scope.log.println(name() + ": accept failed, retrying in " + ACCEPT_RETRY_MS + " ms: "
                            + listener.failure());
                }
                return;
            }
            ConnectionContext context = pool.take();
            if (context == null) {
                refuse();
                continue;
            }
            if (!listener.handTo(context.endpoint, poller)) {
                pool.release(context);
                continue;
            }
            context.open();
            stats.accepted.increment();
            stats.open.increment();
            if (scope.log != null) {
                scope.log.println(name() + ": connection " + context.id() + " open");
            }
            boolean heard = context.opened();
            if (deferral != null) {
                deferral.accepted(heard);
            }
        }
    }

    /** The pool is empty: send the protocol's refusal, close, count it, and keep serving the others. */
    private void refuse() {
        stats.rejected.increment();
        if (scope.log != null) {
            scope.log.println(name() + ": pool empty, connection refused");
        }
        listener.refuse(poller, scope.scratchIn, scope.scratchInAddress, refusal, refusalAddress);
    }

    @Override
    void afterPoll() {
        if (acceptResumeMs != 0 && nowMs() - acceptResumeMs >= 0) {
            acceptResumeMs = listener.watch(poller, true) ? 0 : nowMs() + ACCEPT_RETRY_MS;
        }
    }

    @Override
    void onMessage(SlotRing ring, long position) {
        ConnectionContext context = pool.context(ring.header(position, Messages.CONNECTION));
        switch (ring.header(position, Messages.KIND)) {
            case Messages.TASK_DONE -> {
                unreserve();
                scope.offload.onTaskDone(context, ring, position);
            }
            case Messages.RETURNED -> {
                unreserve();
                stats.away.add(-1);
                context.cameHome();
            }
            case Messages.CLOSED_AWAY -> {
                unreserve();
                stats.away.add(-1);
                context.closedAway();
            }
            case Messages.NONE -> {
                // a task claim the kit gave up (with no workers, tasks are claimed in this mailbox)
            }
            default -> throw new IllegalStateException("unexpected message " + ring.header(position, Messages.KIND));
        }
    }

    /** A connection of this loop closed (at home, or away and now reported): on this loop's thread. */
    void countClose() {
        stats.open.add(-1);
        stats.closed.increment();
    }

    @Override
    void onClose() {
        for (int id = 0, created = pool.created(); id < created; id++) {
            ConnectionContext context = pool.context(id);
            if (context.isHome()) { // a worker closes what it holds when it stops
                context.close();
            }
        }
        listener.close(poller);
    }

    /**
     * After the thread has ended, or when it never started: closes the listener (if the loop did not), the
     * poller and its eventfd, and frees the pool's memory. Only now: until every thread that could wake this
     * loop has ended, closing the eventfd could let a late wake-up write to a descriptor number reused by then.
     */
    public void release() {
        listener.close(poller);
        poller.close();
        buffers.close();
    }
}
