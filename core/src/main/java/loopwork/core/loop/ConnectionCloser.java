package loopwork.core.loop;

import loopwork.core.transport.Poller;
import loopwork.core.ConnectionHandler;
import loopwork.core.metrics.Counter;

/**
 * How a serving thread closes a connection, exactly once, and gives its context back: at home to the pool, at
 * once or when its last task completes; away, through home's mailbox ({@link Messages#CLOSED_AWAY}), which home
 * reads to take the context back. Whatever the connection still held goes first: a trip's claimed slot, a task
 * claim, its timer, its output.
 *
 * <p>Not thread-safe: owned by its serving thread (an accept loop, a worker's loop or a worker's blocking side).
 */
final class ConnectionCloser {

    private final Poller poller;
    private final ConnectionHandler handler;
    private final HandlerFailures failures;
    /** This thread's; null on a worker's blocking side, which has none. */
    private final ConnectionOutput output;
    private final TimerWheel timers;
    private final TaskOffload offload;
    /** An accept loop's pool and stats, null on a worker: home gives contexts back. */
    private final ConnectionPool pool;
    private final LoopStats homeStats;
    /** On a worker, the count of connections it holds, which a close lowers; null at home. */
    private final Counter held;
    private Mailbox[] homes;

    ConnectionCloser(Poller poller, ConnectionHandler handler, HandlerFailures failures, ConnectionOutput output,
            TimerWheel timers, TaskOffload offload, ConnectionPool pool, LoopStats homeStats, Counter held) {
        this.poller = poller;
        this.handler = handler;
        this.failures = failures;
        this.output = output;
        this.timers = timers;
        this.offload = offload;
        this.pool = pool;
        this.homeStats = homeStats;
        this.held = held;
    }

    /** The accept loops' mailboxes, where contexts closed away go home; set once, before any thread starts. */
    void homes(Mailbox[] mailboxes) {
        this.homes = mailboxes;
    }

    /** At stop: resets the connection, so that its peer sees an answer cut short as an error, not as an end. */
    void closeAtStop(ConnectionContext context) {
        context.resetOnClose = true;
        close(context);
    }

    /**
     * Closes an open connection this thread serves: its socket, with a reset if it asked for one; tells the
     * handler; and gives the context back unless tasks are still in flight.
     */
    void close(ConnectionContext context) {
        if (context.state != ConnectionContext.OPEN) {
            return;
        }
        assert context.inOwnerThread() : context.notOwner("close");
        if (context.tripTarget != null) {
            offload.cancelTrip(context); // the claimed worker slot goes back: the connection closes here
        }
        context.trip = ConnectionContext.STAY;
        context.worker = -1; // the next connection in this context picks its worker afresh
        if (offload != null) {
            offload.abortOpenClaim(context); // a commit after the close must fail, not send a task for a freed context
        }
        boolean tasksPending = context.tasksInFlight > 0;
        context.state = ConnectionContext.AWAITING_TASKS; // not OPEN from here on: a close() from onClose returns
        if (timers != null) {
            timers.cancel(context);
        }
        if (output != null) {
            output.discard(context);
        } else {
            ConnectionOutput.drop(context);
        }
        boolean reset = context.resetOnClose;
        context.resetOnClose = false;
        poller.close(context.home, context.id, reset); // every poller forgets it
        context.inPending = 0;
        context.inWanted = 0;
        context.closeAfterWrite = false;
        context.closeWhenServed = false;
        if (!context.away) {
            countClose();
        } else if (held != null) {
            held.add(-1);
        }
        Throwable failed = HandlerCall.invoke(handler, context, HandlerCall.CLOSE, null, 0, null, null);
        if (failed != null) {
            failures.failed(context.id, HandlerCall.name(HandlerCall.CLOSE), failed);
        }
        if (!tasksPending) {
            released(context);
        }
    }

    /**
     * During the handler call that threw {@code error}: a trip it asked for is not taken, the handler may queue
     * a last answer ({@code onFailure}), and the connection closes, after that answer if it asked for a close
     * after writing, else at once with what the call had queued.
     */
    void closeAfterFailure(ConnectionContext context, Throwable error) {
        if (context.state != ConnectionContext.OPEN) {
            return; // the call closed it before it threw
        }
        if (context.tripTarget != null) {
            offload.cancelTrip(context); // the claimed worker slot goes back: the connection closes here
        }
        context.trip = ConnectionContext.STAY;
        Throwable last = HandlerCall.invoke(handler, context, HandlerCall.FAILURE, null, 0, null, error);
        if (last != null) {
            error.addSuppressed(last); // counted and logged once, with the failure that led to it
        }
        if (last != null || !context.closeAfterWrite) {
            close(context);
        }
    }

    /**
     * A failure while a connection's event was handled by {@code serving}'s thread, outside a handler call (those
     * are caught around each call): counted and logged, and the connection closed if that thread still serves it;
     * one that left it meanwhile is another's to touch.
     */
    void closeAfterKitFailure(ConnectionContext context, RuntimeException e, ConnectionActions serving) {
        failures.failed(context.id, "serving", e);
        if (context.servedBy != serving) {
            return;
        }
        if (output.inCall(context)) { // it failed between a call's start and its end: that call is over
            output.endAnyCall();
        }
        close(context);
        if (context.state == ConnectionContext.CLOSED_AWAY && context.servedBy == serving) {
            sendClosedHome(context); // closed away in the call it cut short: no call's end will send it
        }
    }

    /**
     * {@code serving}'s loop failed on a bug in the kit: the handler call it cut short, if any, is over, and a
     * connection closed away during it goes home now, as that call's end would have sent it.
     */
    void afterCutShortCall(ConnectionActions serving) {
        ConnectionContext cut = output.callOwner();
        output.endAnyCall();
        if (cut != null && cut.state == ConnectionContext.CLOSED_AWAY && cut.servedBy == serving) {
            sendClosedHome(cut);
        }
    }

    /**
     * Closed, and no task will come back for it: to the pool, or through home's mailbox when away. Closed away
     * during a handler call, it goes when the call returns ({@link ConnectionDriver}): home may give the context
     * to the next connection at once, and the rest of the call must find this one closed, not that one open.
     */
    void released(ConnectionContext context) {
        if (!context.away) {
            context.servedBy = null;
            context.state = ConnectionContext.FREE;
            pool.release(context);
            return;
        }
        context.state = ConnectionContext.CLOSED_AWAY;
        if (output == null || !output.inCall(context)) {
            sendClosedHome(context);
        }
    }

    /** Closed away: home takes the context back when it reads the message; this thread touches it no more. */
    void sendClosedHome(ConnectionContext context) {
        context.servedBy = null;
        homes[context.home].post(Messages.CLOSED_AWAY, context.home, context.id, 0, 0, null);
    }

    /** At home: the connection was closed on a worker. */
    void closedAway(ConnectionContext context) {
        assert context.homeOwner.isCurrent() && context.state == ConnectionContext.CLOSED_AWAY
                : context.notOwner("closedAway");
        context.away = false;
        countClose();
        context.state = ConnectionContext.FREE;
        pool.release(context);
    }

    private void countClose() {
        homeStats.open.add(-1);
        homeStats.closed.increment();
    }
}
