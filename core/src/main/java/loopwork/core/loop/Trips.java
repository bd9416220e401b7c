package loopwork.core.loop;

import loopwork.core.BlockingHandler;
import loopwork.core.metrics.Counter;

/**
 * How connections leave a serving thread: handed to a worker's blocking handler, moved into a worker's loop, or
 * sent home. A handler asks during its call, which claims the worker slot that will carry the connection (so a
 * trip once granted cannot fail); the trip is taken when the call returns ({@link #leave}), so that nothing on
 * this thread touches the connection once the next one owns it.
 *
 * <p>Not thread-safe: owned by its serving thread.
 */
final class Trips {

    private final TaskOffload offload;
    /** At home: the count of connections away, which a departure raises. Null on a worker. */
    private final Counter away;
    /** On a worker: the count of connections it holds, which a return lowers. Null at home. */
    private final Counter held;
    private Mailbox[] homes;

    Trips(TaskOffload offload, Counter away, Counter held) {
        this.offload = offload;
        this.away = away;
        this.held = held;
    }

    /** The accept loops' mailboxes, where returns go; set once, before any thread starts. */
    void homes(Mailbox[] mailboxes) {
        this.homes = mailboxes;
    }

    /** {@link loopwork.core.Connection#handOff}, once the connection was found free to leave. */
    boolean handOff(ConnectionContext context, BlockingHandler handler) {
        if (!claim(context, Messages.HAND_OFF)) {
            return false;
        }
        context.trip = ConnectionContext.HAND_OFF;
        context.blockingHandler = handler;
        return true;
    }

    /** {@link loopwork.core.Connection#moveToWorker}, once the connection was found free to leave. */
    boolean moveToWorker(ConnectionContext context) {
        if (!claim(context, Messages.MOVE)) {
            return false;
        }
        context.trip = ConnectionContext.MOVE;
        return true;
    }

    /** Claims the worker slot for a trip from home, when no trip is asked for yet. */
    private boolean claim(ConnectionContext context, int kind) {
        return !context.away && context.trip == ConnectionContext.STAY && offload.claimTrip(context, kind);
    }

    /** {@link loopwork.core.Connection#moveHome}, once the connection was found served here with no task in flight. */
    boolean moveHome(ConnectionContext context) {
        if (!context.away || context.trip != ConnectionContext.STAY) {
            return false;
        }
        context.trip = ConnectionContext.HOME;
        return true;
    }

    /** The handler call that asked for the trip returned, and this thread stopped watching: the connection goes. */
    void leave(ConnectionContext context) {
        int trip = context.trip;
        context.trip = ConnectionContext.STAY;
        context.servedBy = null;
        switch (trip) {
            case ConnectionContext.HAND_OFF -> depart(context, Messages.HAND_OFF);
            case ConnectionContext.MOVE -> depart(context, Messages.MOVE);
            case ConnectionContext.HOME -> returnHome(context);
            default -> throw new IllegalStateException("trip " + trip);
        }
    }

    /** Publishes the claimed worker slot: the worker owns the connection from here. */
    private void depart(ConnectionContext context, int kind) {
        context.away = true;
        away.increment();
        Mailbox to = context.tripTarget;
        long position = context.tripPosition;
        context.tripTarget = null;
        context.tripPosition = -1;
        to.ring.header(position, Messages.KIND, kind);
        if (kind == Messages.HAND_OFF) {
            offload.handedOff(context, to.ring, position);
        }
        to.ring.commit(position); // the worker owns the connection from here: no field is touched after
        to.wakeup();
    }

    /** At home: a connection away came back (open, closed, or its hand-off taken back unstarted). */
    void cameBack() {
        away.add(-1);
    }

    /** This worker lets the open connection go; home serves it again when it reads the message. */
    void returnHome(ConnectionContext context) {
        context.servedBy = null;
        held.add(-1);
        homes[context.home].post(Messages.RETURNED, context.home, context.id, 0, 0, null);
    }
}
