package loopwork.core.loop;

import java.io.IOException;

import loopwork.core.BlockingHandler;

/**
 * Where a connection is served and how it travels between threads: handed to a worker's blocking handler,
 * moved into a worker's loop, or sent home. A handler asks during its call, which claims the worker slot that
 * will carry the connection (so a trip once granted cannot fail); the trip is taken when the call returns, so
 * that nothing on this thread touches the connection once the next one owns it.
 *
 * <p>Not thread-safe: owned by the thread serving its connection, and passed on (by this class, through a
 * mailbox message) with the {@link ConnectionContext} it belongs to.
 */
final class ConnectionTransfer {

    /** Where the connection goes when the current handler call returns. */
    private static final int STAY = 0;
    private static final int HAND_OFF = 1;
    private static final int MOVE = 2;
    private static final int HOME = 3;

    private final ConnectionContext context;
    private final AcceptLoop home;
    private int trip = STAY;
    /** Served by a worker, or on its way to or from one. */
    private boolean away;
    /** The worker this connection goes to when it leaves (so its registrations there are reused); -1 until it first does. */
    int worker = -1;
    /** The slot claimed for the trip asked for (a worker's, or its loop's), committed when the trip is taken. */
    EventLoop target;
    long targetPosition = -1;
    private BlockingHandler blockingHandler;
    /**
     * The worker whose blocking handler serves it now, else null: a close() meanwhile is only noted, and done
     * when the handler returns.
     */
    private IoScope servingBlocking;
    private boolean closeWhenServed;

    ConnectionTransfer(ConnectionContext context, AcceptLoop home) {
        this.context = context;
        this.home = home;
    }

    /** The worker's blocking side serving the connection with its blocking handler now, or null. */
    IoScope servingBlocking() {
        return servingBlocking;
    }

    /** Served by a worker, or on its way to or from one. */
    boolean isAway() {
        return away;
    }

    /** A trip was asked for in the current handler call: the connection takes no more output or tasks. */
    boolean isLeaving() {
        return trip != STAY;
    }

    /** At home, from its worker's message (back open, or closed there): home serves the context again. */
    void backHome() {
        away = false;
    }

    /** At home: the hand-off waited past the queue timeout and its loop took it back before its worker began. */
    void handOffExpired() {
        away = false;
        blockingHandler = null;
    }

    /** {@link loopwork.core.Connection#handOff}, once the context found the connection free to leave. */
    boolean handOff(BlockingHandler handler) {
        if (handler == null || !claim(Messages.HAND_OFF)) {
            return false;
        }
        trip = HAND_OFF;
        blockingHandler = handler;
        return true;
    }

    /** {@link loopwork.core.Connection#moveToWorker}, once the context found the connection free to leave. */
    boolean moveToWorker() {
        if (!claim(Messages.MOVE)) {
            return false;
        }
        trip = MOVE;
        return true;
    }

    /** Claims the worker slot for a trip from home, when no trip is asked for yet. */
    private boolean claim(int kind) {
        return !away && trip == STAY && home.scope().offload.claimTransfer(context, kind);
    }

    /** {@link loopwork.core.Connection#moveHome}, once the context found it served here with no task in flight. */
    boolean moveHome() {
        if (!away || trip != STAY) {
            return false;
        }
        trip = HOME;
        return true;
    }

    /** The handler call that asked for the trip returned, and {@code from} stopped watching: the connection goes. */
    void leave(IoScope from) {
        switch (trip) {
            case HAND_OFF -> depart(Messages.HAND_OFF);
            case MOVE -> depart(Messages.MOVE);
            case HOME -> {
                trip = STAY;
                returnHome(from);
            }
            default -> throw new IllegalStateException("trip " + trip);
        }
    }

    /** Publishes the claimed worker slot: the worker owns the connection from here. */
    private void depart(int kind) {
        away = true;
        trip = STAY;
        home.stats.away.increment();
        EventLoop to = target;
        long position = targetPosition;
        target = null;
        targetPosition = -1;
        to.mailbox.header(position, Messages.KIND, kind);
        if (kind == Messages.HAND_OFF) {
            home.scope().offload.handedOff(context, to.mailbox, position);
        }
        to.mailbox.commit(position); // the worker owns the connection from here: no field is touched after
        to.wakeup();
    }

    /** The worker {@code from} lets the open connection go; home serves it again when it reads the message. */
    private void returnHome(IoScope from) {
        from.loop.released();
        home.post(Messages.RETURNED, home.index, context.id(), 0, 0, null);
    }

    /** On a worker: serve the handed-off connection with its blocking handler, then return or close it. */
    void serveBlocking(BlockingSession session, IoScope worker) {
        boolean keep = false;
        servingBlocking = worker;
        try {
            keep = context.serveWith(session, blockingHandler);
        } catch (IOException e) {
            keep = false; // the peer reset, closed or went idle: not the handler's fault
        } catch (InterruptedException e) {
            keep = false; // the worker is stopping
            Thread.currentThread().interrupt();
        } catch (Exception | AssertionError | StackOverflowError e) {
            keep = false;
            worker.failed(context.id(), "serve", e); // BlockingHandler.serve
        } finally {
            blockingHandler = null;
            servingBlocking = null;
        }
        if (closeWhenServed) {
            closeWhenServed = false;
            keep = false;
        }
        if (session.timedOut()) { // even if the handler caught it: its answer may be cut short
            keep = false;
            ((WorkerLoop) worker.loop).stats().handOffTimeouts.increment();
        }
        if (keep && worker.poller.isOpen(context.home.index, context.id())) {
            returnHome(worker);
        } else {
            context.closeOn(worker, session.timedOut()); // which tells the worker it let go
        }
    }

    /**
     * A close() while a blocking handler serves the connection: closing now would send the context home while
     * the handler still uses it, so the close is only noted, and the worker closes it when the handler
     * returns, on its own thread. Returns whether it was put off so.
     */
    boolean putOffClose() {
        if (servingBlocking != null) {
            closeWhenServed = true;
            return true;
        }
        return false;
    }

    /** During a hand-off: the handler closed the connection, which happens when it returns; no more I/O. */
    boolean closeRequested() {
        return closeWhenServed;
    }

    /**
     * The connection closes: a slot claimed for a trip not taken goes back, with home's reservation, and the
     * next connection in this context picks its worker afresh.
     */
    void cancel() {
        if (target != null) {
            target.mailbox.commit(targetPosition);
            target = null;
            targetPosition = -1;
            home.unreserve();
        }
        trip = STAY;
        worker = -1;
    }
}
