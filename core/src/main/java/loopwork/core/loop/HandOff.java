package loopwork.core.loop;

import loopwork.core.transport.Poller;
import java.io.IOException;
import java.nio.ByteBuffer;

import loopwork.core.BlockingHandler;
import loopwork.core.TaskPayload;
import loopwork.core.metrics.Counter;

/**
 * A worker's blocking side serving a handed-off connection: lends it to its {@link BlockingHandler} through the
 * worker's {@link BlockingSession}, output the loop left unsent going first, keeps what input the handler left,
 * then sends the connection home open, or closes it. While the handler runs, the connection's own actions are
 * this class's: it writes and reads through the session, so the loop's ways (writes, tasks, trips, timers) are
 * refused, and a close is only noted, done when the handler returns: closing at once would send the context
 * home while the handler still uses it.
 *
 * <p>With {@link loopwork.core.SyncThreads#VIRTUAL}, each virtual thread of a worker's pool has its own, to
 * {@link #run} handlers with; the worker's own {@link #end}s what they ran.
 *
 * <p>Not thread-safe: owned by its worker's blocking thread, or by its virtual thread.
 */
final class HandOff implements ConnectionActions {

    private final OwnerThread owner;
    private final Poller poller;
    private final LoopClock clock;
    private final BlockingSession session;
    private final HandlerFailures failures;
    private final ConnectionCloser closer;
    private final Trips trips;
    private final Counter timeouts;
    /** The worker's: whether the kit drains. */
    private final LoopControl control;
    /** Of a virtual thread's: its index in its worker's pool ({@link VirtualHandOffs}); set once, as it is made. */
    int poolIndex = -1;
    /** What the handler threw, from {@link #run} to {@link #end}; null if nothing. */
    private Throwable failure;

    HandOff(OwnerThread owner, Poller poller, LoopClock clock, BlockingSession session, HandlerFailures failures,
            ConnectionCloser closer, Trips trips, Counter timeouts, LoopControl control) {
        this.control = control;
        this.owner = owner;
        this.poller = poller;
        this.clock = clock;
        this.session = session;
        this.failures = failures;
        this.closer = closer;
        this.trips = trips;
        this.timeouts = timeouts;
    }

    /** Serves the handed-off connection with its blocking handler, then returns or closes it, on this thread. */
    void serve(ConnectionContext context) {
        assert owner.isCurrent() && context.servedBy == null : context.notOwner("HandOff.serve");
        context.servedBy = this;
        end(context, this, run(context));
    }

    /**
     * Runs the connection's blocking handler on this thread (the worker's, or a virtual thread's, whose
     * {@code HandOff} this is); whether to keep the connection. A handler's failure is kept for {@link #end}.
     */
    boolean run(ConnectionContext context) {
        assert owner.isCurrent() && context.servedBy == this : context.notOwner("HandOff.run");
        try {
            return serveWith(context, context.blockingHandler);
        } catch (IOException e) {
            return false; // the peer reset, closed or went idle: not the handler's fault
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the worker is stopping
            return false;
        } catch (Exception | LinkageError | AssertionError | StackOverflowError | OutOfMemoryError e) {
            failure = e; // BlockingHandler.serve
            return false;
        } finally {
            context.blockingHandler = null;
        }
    }

    /**
     * On the worker's blocking thread, once {@code served} ran the handler ({@link #run}): counts what went
     * wrong, then sends the connection home open, or closes it. The connection is this thread's again.
     */
    void end(ConnectionContext context, HandOff served, boolean keep) {
        assert owner.isCurrent() : context.notOwner("HandOff.end");
        context.servedBy = this;
        if (served.failure != null) {
            failures.failed(context.id, "serve", served.failure);
            served.failure = null;
        }
        if (context.closeWhenServed) {
            context.closeWhenServed = false;
            keep = false;
        }
        if (served.session.timedOut()) { // even if the handler caught it: its answer may be cut short
            keep = false;
            context.resetOnClose = true;
            timeouts.increment();
        }
        if (keep && poller.isOpen(context.home, context.id)) {
            trips.returnHome(context);
        } else {
            closer.close(context);
        }
    }

    private boolean serveWith(ConnectionContext context, BlockingHandler handler) throws Exception {
        ByteBuffer in = context.in;
        session.bind(context, in, context.inAddress);
        try {
            ByteBuffer out = context.out; // what the loop left unsent goes first, a region it holds after
            for (;;) {
                out.limit(context.outPending).position(context.outStart);
                session.writeAll(out, context.outAddress);
                context.outPending = 0;
                context.outStart = 0;
                if (context.sendSource == null) {
                    break;
                }
                ConnectionOutput.fillFromSend(context); // the loop's handler hears onSent when it is back
            }
            in.limit(context.inPending).position(0);
            boolean keep = handler.serve(session);
            session.flush();
            context.inPending = in.remaining();
            in.compact();
            return keep;
        } finally {
            session.release();
        }
    }

    @Override
    public boolean inOwnerThread() {
        return owner.isCurrent();
    }

    @Override
    public boolean canWrite(ConnectionContext context, int length) {
        return false; // the blocking handler writes through its BlockingConnection
    }

    @Override
    public boolean write(ConnectionContext context, ByteBuffer src) {
        return false;
    }

    @Override
    public boolean write(ConnectionContext context, byte[] src, int offset, int length) {
        return false;
    }

    @Override
    public boolean write(ConnectionContext context, ByteBuffer src, int offset, int length) {
        return false;
    }

    @Override
    public boolean send(ConnectionContext context, ByteBuffer src, int offset, int length) {
        return false;
    }

    @Override
    public TaskPayload tryClaimTask(ConnectionContext context, int taskType, int worker) {
        return null;
    }

    @Override
    public void commitTask(ConnectionContext context) {
        throw new IllegalStateException("no task claimed by connection " + context.id);
    }

    @Override
    public boolean handOff(ConnectionContext context, BlockingHandler handler) {
        return false;
    }

    @Override
    public boolean moveToWorker(ConnectionContext context) {
        return false;
    }

    @Override
    public boolean moveHome(ConnectionContext context) {
        return false;
    }

    @Override
    public void setTimer(ConnectionContext context, long delayMs) {
        // timers are a loop's: a blocking handler waits within its HandOffLimits
    }

    @Override
    public void cancelTimer(ConnectionContext context) {
    }

    @Override
    public long nowMs() {
        return clock.nowMs();
    }

    @Override
    public boolean draining() {
        return control.draining();
    }

    @Override
    public long nowNs() {
        return clock.nowNs();
    }

    /** Noted, and done when the handler returns. */
    @Override
    public void close(ConnectionContext context) {
        context.closeWhenServed = true;
    }
}
