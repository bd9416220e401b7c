package loopwork.core.loop;

import loopwork.core.transport.Poller;
import java.nio.ByteBuffer;

import loopwork.core.ConnectionHandler;
import loopwork.core.TaskPayload;
import loopwork.core.metrics.Counter;

/**
 * Serves the connections of one loop (an accept loop's, or a worker's for those moved to it): reads what
 * arrives, calls the handler through {@link #call}, the one wrapper every callback goes through, sends what it
 * wrote, sets what the poller watches, and lets connections leave or close. Every event of a connection's life
 * on a loop comes here: ready ({@link #onReady}), opened, arrived, a task done or expired, a timer.
 *
 * <p>Not thread-safe: owned by its loop, as are the connections it serves ({@link ConnectionContext#servedBy}
 * is this driver's {@link #actions}).
 */
final class ConnectionDriver {

    final OwnerThread owner;
    final LoopClock clock;
    final Poller poller;
    final ConnectionHandler handler;
    final HandlerFailures failures;
    final ScopeCounters counters;
    final TimerWheel timers;
    final TaskOffload offload;
    final ConnectionOutput output;
    final Trips trips;
    final ConnectionCloser closer;
    /** What the connections this driver serves pass their handler's actions to. */
    final ServingActions actions;
    final ConnectionInput input;
    /** What reaches a connection from outside its socket: tasks, timers, arrivals. */
    final ConnectionEvents events;

    ConnectionDriver(OwnerThread owner, LoopClock clock, Poller poller, ConnectionHandler handler,
            HandlerFailures failures, ScopeCounters counters, TaskOffload offload, int inputCapacity,
            int outputCapacity, ConnectionPool pool, LoopStats homeStats, Counter held) {
        this.owner = owner;
        this.clock = clock;
        this.poller = poller;
        this.handler = handler;
        this.failures = failures;
        this.counters = counters;
        this.offload = offload;
        this.events = new ConnectionEvents(this);
        this.timers = new TimerWheel(clock.cycleMs(), events, owner);
        this.output = new ConnectionOutput(poller, outputCapacity, counters);
        this.trips = new Trips(offload, homeStats != null ? homeStats.away : null, held);
        this.closer = new ConnectionCloser(poller, handler, failures, output, timers, offload, pool, homeStats, held);
        output.closer(closer);
        this.actions = new ServingActions(this);
        this.input = new ConnectionInput(poller, inputCapacity);
    }

    /** Fires the timers and queue timeouts due by {@code nowMs}; returns how many. */
    int expireDue(long nowMs) {
        return timers.expire(nowMs) + offload.expireQueued(nowMs, events);
    }

    /** Milliseconds until the next timer or queue deadline, 0 if one is due, -1 if there is none. */
    long delayToNext(long nowMs) {
        return offload.delayToNextExpiry(nowMs, timers.delayToNext(nowMs));
    }

    /** The accept loops' mailboxes, where connections go home; set once, before any thread starts. */
    void homes(Mailbox[] mailboxes) {
        trips.homes(mailboxes);
        closer.homes(mailboxes);
    }

    /**
     * At home, a connection just accepted into {@code context}: the handler's {@code onOpen}, then a first read
     * before the poller is asked to watch. A client sends its request as soon as it is connected, so it has
     * usually arrived by the time the loop accepts: this saves a trip through the poller, and a connection
     * answered and closed at once never enters it at all. Returns false when that read found nothing.
     */
    boolean opened(ConnectionContext context) {
        assert owner.isCurrent() && context.state == ConnectionContext.FREE : context.notOwner("opened");
        context.state = ConnectionContext.OPEN;
        context.inputEnded = false;
        context.inWanted = 0;
        context.servedBy = actions;
        context.interestOps = Poller.READ; // not yet asked of the poller: below, after a first read
        context.lastRead = 1; // if onOpen stops reading or closes, there is no first read to miss
        try {
            if (call(context, HandlerCall.OPEN, null, 0, null)
                    && ((context.interestOps & Poller.READ) == 0 || onReadable(context))) {
                context.interestOps = -1; // whatever was settled so far, the poller has not been told yet
                updateInterest(context);
            }
        } catch (RuntimeException e) {
            failed(context, e);
        }
        return context.lastRead != 0;
    }

    /** The poller found the socket ready for {@code ready} ({@link Poller#READ} | {@link Poller#WRITE}). */
    void onReady(ConnectionContext context, int ready) {
        if (!context.isServedBy(actions)) {
            return; // reported just before it closed or left this thread
        }
        assert owner.isCurrent() : context.notOwner("onReady");
        try {
            if ((ready & Poller.WRITE) != 0 && !onWritable(context)) {
                return; // closed, or now another thread's: touch nothing more
            }
            if ((ready & Poller.READ) != 0) {
                onReadable(context);
            }
        } catch (RuntimeException e) {
            failed(context, e);
        }
    }

    /** A failure outside a handler call (a bug in the kit): see {@link ConnectionCloser#closeAfterKitFailure}. */
    private void failed(ConnectionContext context, RuntimeException e) {
        closer.closeAfterKitFailure(context, e, actions);
    }

    /** The loop's cycle failed on a bug in the kit: see {@link ConnectionCloser#afterCutShortCall}. */
    void afterFailure() {
        closer.afterCutShortCall(actions);
    }

    // ---- input

    /** Reads what arrived and hands it to the handler; returns whether this thread still serves the connection. */
    private boolean onReadable(ConnectionContext context) {
        int read = input.read(context);
        if (read > 0) {
            ByteBuffer data = input.data(context);
            if (data.remaining() < context.inWanted && data.remaining() < context.in.capacity()
                    && !context.closeAfterWrite) {
                input.keepUnconsumed(context, data); // not yet what the handler waits for: kept, unseen
                return true;
            }
            return call(context, HandlerCall.DATA, data, 0, null);
        }
        if (read == Poller.END) {
            return endOfInput(context);
        }
        if (read < 0) {
            closer.close(context); // reset, or another failure: nothing can reach the peer any more
            return false;
        }
        return true;
    }

    /**
     * The peer sent its FIN, a half-close: answers still owed (a task's, a pipelined request's) go out first,
     * then the handler closes. Returns whether this thread still serves the connection.
     */
    private boolean endOfInput(ConnectionContext context) {
        context.inputEnded = true;
        if (!deliverPending(context)) {
            return false; // most often closed at once: nothing was owed
        }
        return updateInterest(context); // stop reading: a level-triggered poller would report the end again
    }

    /**
     * Shows input kept from earlier to the handler again (after a task completed, a timer, output drained, an
     * arrival, or the end of the input), and once the input has ended and all of it was taken, says so. Call it
     * only while this thread serves the connection; returns whether it still does.
     */
    boolean deliverPending(ConnectionContext context) {
        if (context.closeAfterWrite) {
            return true;
        }
        ByteBuffer pending = input.pending(context);
        if (pending != null && !call(context, HandlerCall.DATA, pending, 0, null)) {
            return false;
        }
        if (!context.inputEnded || context.inPending > 0 || context.closeAfterWrite) {
            return true;
        }
        return call(context, HandlerCall.INPUT_ENDED, null, 0, null);
    }

    // ---- output

    /**
     * The socket can take more: send what waits, then let the handler go on. Returns whether this thread
     * still serves the connection after.
     */
    private boolean onWritable(ConnectionContext context) {
        if (!output.flush(context)) {
            if (context.state != ConnectionContext.OPEN) {
                return false;
            }
            return updateInterest(context); // some left: keep watching for room
        }
        if (context.closeAfterWrite) {
            closer.close(context);
            return false;
        }
        return settleDrained(context) && updateInterest(context);
    }

    /**
     * Whether the handler waits to hear that its output drained: a region it sent is all taken ({@code onSent}),
     * or a write it was refused now fits ({@code onWritable}).
     */
    private static boolean drainOwed(ConnectionContext context) {
        return context.sentOwed || (context.outBlocked && context.outPending == 0 && context.sendSource == null);
    }

    /**
     * Tells the handler, round after round, what drained, and shows it the input it held back meanwhile, until it
     * waits for nothing: a loop, not a recursion, however many sent regions the socket takes at once. Returns
     * whether this thread still serves the connection.
     */
    private boolean settleDrained(ConnectionContext context) {
        while (drainOwed(context)) {
            if (context.sentOwed) {
                context.sentOwed = false;
                if (!callOnce(context, HandlerCall.SENT, null, 0, null)) {
                    return false;
                }
            }
            if (context.sendSource == null && context.outPending == 0 && output.unblock(context)
                    && !callOnce(context, HandlerCall.WRITABLE, null, 0, null)) {
                return false;
            }
            if (context.closeAfterWrite || context.sendSource != null) {
                continue; // nothing more to show it until that is sent
            }
            ByteBuffer pending = input.pending(context);
            if (pending != null) {
                if (!callOnce(context, HandlerCall.DATA, pending, 0, null)) {
                    return false;
                }
            } else if (context.inputEnded && !callOnce(context, HandlerCall.INPUT_ENDED, null, 0, null)) {
                return false;
            }
        }
        return true;
    }

    // ---- the one handler call

    /**
     * Calls the handler for {@code event} and settles what the call asked for: sends what it wrote, then closes,
     * leaves, or sets what the poller watches. Returns whether this thread still serves the connection: after
     * false, another thread may own it already, so the caller must not touch it again.
     */
    boolean call(ConnectionContext context, int event, ByteBuffer data, int taskType, TaskPayload result) {
        return callOnce(context, event, data, taskType, result) && settleDrained(context);
    }

    private boolean callOnce(ConnectionContext context, int event, ByteBuffer data, int taskType,
            TaskPayload result) {
        output.beginCall(context);
        if (event == HandlerCall.DATA) {
            context.inWanted = 0; // each onData may ask again
        }
        invokeCaught(context, event, data, taskType, result);
        if (event == HandlerCall.DATA && context.isServedBy(actions) && input.keepUnconsumed(context, data)) {
            // Full of what the handler left, with nothing to show it again: it is told, in the same call.
            counters.inputFull.increment();
            invokeCaught(context, HandlerCall.INPUT_FULL, null, 0, null);
        }
        return endCall(context);
    }

    /** The handler's callback, its failure counted, logged and the connection closed after a last answer. */
    private void invokeCaught(ConnectionContext context, int event, ByteBuffer data, int taskType,
            TaskPayload result) {
        Throwable failed = HandlerCall.invoke(handler, context, event, data, taskType, result, null);
        if (failed != null) {
            closer.closeAfterFailure(context, failed);
            failures.failed(context.id, HandlerCall.name(event), failed); // after: onFailure's own failure is logged with it
        }
    }

    private boolean endCall(ConnectionContext context) {
        offload.abortOpenClaim(context); // a claim never outlives the call that opened it
        boolean served = context.isServedBy(actions);
        output.endCall(context, served);
        if (!context.isServedBy(actions)) {
            if (context.state == ConnectionContext.CLOSED_AWAY && context.servedBy == actions) {
                closer.sendClosedHome(context); // closed away during the call: home may have it from here
            }
            return false; // closed; on a worker, the context may be home's again already
        }
        if (context.closeAfterWrite && context.outPending == 0 && context.sendSource == null) {
            closer.close(context);
            return false;
        }
        if (context.isLeaving()) {
            leave(context);
            return false;
        }
        return updateInterest(context);
    }

    /**
     * Has the poller watch what the connection waits for; returns whether it is still open (a socket the poller
     * refuses closes).
     */
    private boolean updateInterest(ConnectionContext context) {
        boolean reading = !context.inputEnded && !context.closeAfterWrite && !context.outBlocked
                && context.inPending < context.in.capacity();
        boolean writing = context.outPending > 0 || context.sendSource != null;
        int wanted = (reading ? Poller.READ : 0) | (writing ? Poller.WRITE : 0);
        if (wanted != context.interestOps) {
            context.interestOps = wanted;
            if (!poller.watch(context.home, context.id, wanted)) {
                closer.close(context);
                return false;
            }
        }
        return true;
    }

    // ---- trips

    /** At the end of the handler call that asked to leave: this loop stops watching it, then it goes. */
    private void leave(ConnectionContext context) {
        timers.cancel(context);
        poller.unwatch(context.home, context.id);
        context.interestOps = 0;
        trips.leave(context);
    }
}
