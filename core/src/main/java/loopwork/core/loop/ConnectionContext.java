package loopwork.core.loop;

import java.nio.ByteBuffer;

import loopwork.core.BlockingHandler;
import loopwork.core.Connection;
import loopwork.core.TaskPayload;
import loopwork.core.transport.Poller;

/**
 * One context of an accept loop's pool and the connection it holds: reads into the serving loop's scratch
 * or its own input buffer, calls the handler, and closes the connection exactly once. What the handler
 * writes goes out through its {@link ConnectionOutput}, and trips to a worker and back go through its
 * {@link ConnectionTransfer}, both made with it so that serving allocates nothing. Its buffers are
 * preallocated views of the pool's memory.
 *
 * <p>Not thread-safe: owned by the thread serving the connection: its accept loop ({@link #home}), or
 * while it is away, the worker it was handed or moved to. Ownership passes only through a mailbox
 * message, whose commit and peek order everything written before against everything read after. Its
 * entry points, the {@link Connection} methods that act and the kit's calls, assert {@link #inOwnerThread()}.
 */
final class ConnectionContext implements Connection {

    static final int FREE = 0;
    static final int OPEN = 1;
    /** Closed while tasks were in flight: released when the last one completes. */
    static final int AWAITING_TASKS = 2;
    /** Closed on a worker: released when home reads the message saying so. */
    static final int CLOSED_AWAY = 3;

    private final int id;
    final AcceptLoop home;
    private final ByteBuffer in;
    private final long inAddress;
    private final ConnectionOutput output;
    final ConnectionTransfer transfer;

    int state = FREE;
    /** Who serves it now: its home's scope, a worker's, or null while blocking on a worker or in transit. */
    private IoScope scope;
    /** The poller of the thread serving it now; null while handed off or in transit. */
    private Poller watching;
    int tasksInFlight;
    private Object attachment;
    /** Unconsumed input kept in {@link #in}, from 0. */
    private int inPending;
    private boolean closeAfterWrite;
    /** {@link #reset()} asked for this close, which may be put off until a blocking handler returns. */
    private boolean resetOnClose;
    private int interestOps;
    /** What the last read returned: bytes, 0 when nothing was waiting, negative at the end. */
    private int lastRead;
    /** The peer has ended its input (a FIN): nothing more is read, and what it sent before is still answered. */
    private boolean inputEnded;

    // Intrusive links of the serving loop's timer wheel.
    long timerDeadlineMs = -1;
    ConnectionContext timerNext;
    ConnectionContext timerPrevious;

    ConnectionContext(int id, ByteBuffer in, long inAddress, ByteBuffer out, long outAddress, AcceptLoop home) {
        this.id = id;
        this.in = in;
        this.inAddress = inAddress;
        this.home = home;
        this.output = new ConnectionOutput(this, out, outAddress);
        this.transfer = new ConnectionTransfer(this, home);
    }

    /** Its transport has just accepted a connection into it: home serves it; {@link #opened()} has it watched. */
    void open() {
        assert state == FREE : "context " + id + " taken while in use";
        this.state = OPEN;
        this.inputEnded = false;
        this.scope = home.scope();
        this.watching = home.poller;
        this.interestOps = Poller.READ; // not yet asked of the poller: opened() does, after a first read
    }

    /**
     * After {@link #open()}: the handler's {@code onOpen}, then a first read before the poller is asked to
     * watch. A client sends its request as soon as it is connected, so it has usually arrived by the time the
     * loop accepts: this saves a trip through the poller, and a connection answered and closed at once
     * (HTTP/1.0, {@code Connection: close}) never enters it at all. Returns false when that read found
     * nothing: the connection came before its first bytes.
     */
    boolean opened() {
        assert inOwnerThread() : notOwner("opened");
        IoScope serving = beginCall();
        try {
            scope.handler.onOpen(this);
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            scope.handlerFailed(this, "onOpen", e);
        }
        lastRead = 1; // if onOpen stopped reading or closed, there is no first read to miss
        try {
            // Read only if onOpen left it reading, as the poller would; then have the poller watch what is wanted.
            if (endCall(serving) && ((interestOps & Poller.READ) == 0 || onReadable())) {
                interestOps = -1; // whatever was settled so far, the poller has not been told yet
                updateInterest();
            }
        } catch (RuntimeException e) {
            failed(serving, e);
        }
        return lastRead != 0;
    }

    /**
     * A failure while this connection's event was handled on {@code on}'s thread, outside a handler call (the
     * handler's own are caught around each call): counted and logged there, and the connection closed if it
     * is still this thread's; one that left it meanwhile (a trip, a close sent home) is another's to touch.
     */
    private void failed(IoScope on, RuntimeException e) {
        on.failed(id, "serving", e);
        if (scope != on) {
            return;
        }
        if (on.scratchOwner == this) { // it failed between a call's start and its end: that call is over
            on.scratchOwner = null;
            on.scratchOut.clear();
        }
        close(); // closed away, it goes home at once: no endCall will come to send it
    }

    /**
     * During the handler call that threw {@code error}, already counted and logged: a trip it asked for is not
     * taken, the handler may queue a last answer, and the connection closes, after that answer if it asked
     * for {@link #closeAfterWrite()}, else at once with what the call had queued.
     */
    void failedCall(Throwable error) {
        assert inOwnerThread() : notOwner("failedCall");
        if (state != OPEN) {
            return; // the call closed it before it threw
        }
        transfer.cancel(); // the claimed worker slot goes back: the connection closes here
        boolean lastAnswer = false;
        try {
            scope.handler.onFailure(this, error);
            lastAnswer = closeAfterWrite;
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            error.addSuppressed(e); // counted and logged once, with the failure that led to it
        }
        if (!lastAnswer) {
            close();
        }
    }

    /**
     * Whether the calling thread owns this context now: the one whose scope serves it (home's, a worker loop's,
     * or a worker's blocking side's as it closes it), the worker whose blocking handler has it, or home for a
     * context free or closed away. In transit, nobody: only the message's reader takes it up. For asserts.
     */
    boolean inOwnerThread() {
        IoScope serving = scope != null ? scope : transfer.servingBlocking();
        if (serving != null) {
            return serving.loop.inLoop();
        }
        return state != OPEN && home.inLoop();
    }

    @Override
    public boolean inServingThread() {
        return inOwnerThread();
    }

    /** The message of a failed {@link #inOwnerThread()} assert: built only then. */
    private String notOwner(String what) {
        return "connection " + id + ": " + what + " called on " + Thread.currentThread().getName()
                + ", which does not serve it now";
    }

    @Override
    public int id() {
        return id;
    }

    @Override
    public int loopIndex() {
        return home.index;
    }

    @Override
    public boolean isOpen() {
        return state == OPEN;
    }

    @Override
    public boolean inputEnded() {
        return inputEnded;
    }

    @Override
    public boolean isHome() {
        return !transfer.isAway();
    }

    @Override
    public void attach(Object value) {
        assert inOwnerThread() : notOwner("attach");
        attachment = value;
    }

    @Override
    public Object attachment() {
        return attachment;
    }

    @Override
    public int tasksInFlight() {
        return tasksInFlight;
    }

    /** {@code from}'s poller found the socket ready for {@code ready} ({@link Poller#READ} | {@link Poller#WRITE}). */
    void onReady(EventLoop from, int ready) {
        if (state != OPEN || watching != from.poller) {
            return; // reported just before it left this thread
        }
        assert inOwnerThread() : notOwner("onReady");
        try {
            if ((ready & Poller.WRITE) != 0 && !onWritable()) {
                return; // closed, or now another thread's: touch nothing more
            }
            if ((ready & Poller.READ) != 0) {
                onReadable();
            }
        } catch (RuntimeException e) {
            failed(from.scope(), e);
        }
    }

    // ---- input

    /** Reads what arrived and hands it to the handler; returns whether this thread still serves the connection. */
    private boolean onReadable() {
        ByteBuffer target;
        long address;
        if (inPending == 0) {
            target = scope.scratchIn;
            address = scope.scratchInAddress;
            target.clear();
        } else {
            target = in;
            address = inAddress;
            target.limit(target.capacity()).position(inPending);
        }
        int read = scope.poller.read(home.index, id, target, address);
        lastRead = read;
        if (read == Poller.END) {
            return endOfInput();
        }
        if (read < 0) {
            close(); // reset, or another failure: nothing can reach the peer any more
            return false;
        }
        if (read > 0) {
            target.flip();
            return deliver(target);
        }
        return true;
    }

    /**
     * The peer sent its FIN, a half-close: answers still owed (a task's, a pipelined request's) go out first,
     * then the handler closes. Its own method, off the read path that runs per request. Returns whether this
     * thread still serves the connection.
     */
    private boolean endOfInput() {
        inputEnded = true;
        if (!deliverPending()) {
            return false; // most often closed at once: nothing was owed
        }
        return updateInterest(); // stop reading: a level-triggered poller would report the end again and again
    }

    /**
     * Shows input kept from earlier to the handler again (after a task completed, a timer, output drained,
     * an arrival, or the end of the input), and once the input has ended and all of it was taken, says so.
     * Call it only while this thread serves the connection; returns whether it still does.
     */
    private boolean deliverPending() {
        if (closeAfterWrite) {
            return true;
        }
        if (inPending > 0) {
            in.limit(inPending).position(0);
            if (!deliver(in)) {
                return false;
            }
        }
        if (!inputEnded || inPending > 0 || closeAfterWrite) {
            return true;
        }
        IoScope serving = beginCall();
        try {
            scope.handler.onInputEnded(this);
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            scope.handlerFailed(this, "onInputEnded", e);
        }
        return endCall(serving);
    }

    /** Hands bytes to the handler; returns whether this thread still serves the connection after. */
    private boolean deliver(ByteBuffer data) {
        IoScope serving = beginCall();
        try {
            scope.handler.onData(this, data);
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            scope.handlerFailed(this, "onData", e);
        }
        if (isServedBy(serving)) { // the call did not close it
            keepUnconsumed(data);
            if (inPending == in.capacity() && !closeAfterWrite && !transfer.isLeaving() && tasksInFlight == 0
                    && !output.isBlocked() && timerDeadlineMs < 0) {
                inputFull();
            }
        }
        return endCall(serving);
    }

    /**
     * The input buffer is full of bytes the handler left, and nothing will show them to it again (no task
     * in flight, no output to drain, no timer): the connection would hang, so the handler is told, within
     * the same call; the default closes.
     */
    private void inputFull() {
        scope.counters.inputFull.increment();
        try {
            scope.handler.onInputFull(this);
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            scope.handlerFailed(this, "onInputFull", e);
        }
    }

    private void keepUnconsumed(ByteBuffer data) {
        int left = closeAfterWrite ? 0 : data.remaining();
        if (left == 0) {
            inPending = 0;
        } else if (data != in) {
            in.clear();
            in.put(data);
            inPending = left;
        } else if (data.position() > 0) {
            in.compact();
            inPending = left;
        } else {
            inPending = left;
        }
    }

    // ---- output

    @Override
    public boolean canWrite(int length) {
        assert inOwnerThread() : notOwner("canWrite");
        return writable() && output.reserve(scope, length);
    }

    @Override
    public boolean write(ByteBuffer src) {
        assert inOwnerThread() : notOwner("write");
        return writable() && output.write(scope, src);
    }

    @Override
    public boolean write(byte[] src, int offset, int length) {
        assert inOwnerThread() : notOwner("write");
        return writable() && output.write(scope, src, offset, length);
    }

    /** Whether the handler may write now: open, served by this thread, neither closing nor leaving. */
    private boolean writable() {
        return state == OPEN && scope != null && !closeAfterWrite && !transfer.isLeaving();
    }

    /**
     * The socket can take more: send what waits, then let the handler go on. Returns whether this thread
     * still serves the connection after.
     */
    private boolean onWritable() {
        if (!output.flush(scope)) {
            if (state != OPEN) {
                return false;
            }
            return updateInterest(); // some left: keep watching for room
        }
        if (closeAfterWrite) {
            close();
            return false;
        }
        if (output.unblock()) {
            IoScope serving = beginCall();
            try {
                scope.handler.onWritable(this);
            } catch (RuntimeException | AssertionError | StackOverflowError e) {
                scope.handlerFailed(this, "onWritable", e);
            }
            if (!endCall(serving) || !deliverPending()) {
                return false;
            }
        }
        return updateInterest();
    }

    /** Before any handler call: this connection owns the serving loop's output scratch. */
    private IoScope beginCall() {
        output.beginCall(scope);
        return scope;
    }

    /**
     * After a handler call: send what it wrote, then close, leave, or set what the selector watches.
     * {@code serving} is the scope the call began with: the call may have closed the connection. Returns
     * whether this thread still serves it: after false, another thread may own it already, so the caller
     * must not touch it again.
     */
    private boolean endCall(IoScope serving) {
        if (serving.offload != null) {
            serving.offload.abortOpenClaim(this); // a claim never outlives the call that opened it
        }
        output.endCall(serving);
        if (!isServedBy(serving)) {
            if (state == CLOSED_AWAY && scope == serving) {
                sendClosedHome(); // closed away during the call: home may have it from here
            }
            return false; // closed; on a worker, the context may be home's again already
        }
        if (closeAfterWrite && output.pending() == 0) {
            close();
            return false;
        }
        if (transfer.isLeaving()) {
            leave();
            return false;
        }
        return updateInterest();
    }

    /**
     * Has the poller watch what the connection waits for; returns whether it is still open (a socket the
     * poller refuses closes, and closed on a worker, it may be home's at once).
     */
    private boolean updateInterest() {
        boolean reading = !inputEnded && !closeAfterWrite && !output.isBlocked() && inPending < in.capacity();
        int wanted = (reading ? Poller.READ : 0) | (output.pending() > 0 ? Poller.WRITE : 0);
        if (wanted != interestOps) {
            interestOps = wanted;
            if (!watching.watch(home.index, id, wanted)) {
                close();
                return false;
            }
        }
        return true;
    }

    // ---- tasks

    @Override
    public TaskPayload tryClaimTask(int taskType) {
        assert inOwnerThread() : notOwner("tryClaimTask");
        return state == OPEN && scope != null && !transfer.isLeaving() ? scope.offload.tryClaim(this, taskType) : null;
    }

    @Override
    public void commitTask() {
        assert inOwnerThread() : notOwner("commitTask");
        scope.offload.commit(this);
    }

    void taskDone(int taskType, TaskPayload result) {
        assert inOwnerThread() : notOwner("taskDone");
        IoScope serving = beginCall();
        try {
            if (result != null) {
                scope.handler.onTaskDone(this, taskType, result);
            } else {
                scope.handler.onTaskFailed(this, taskType);
            }
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            scope.handlerFailed(this, result != null ? "onTaskDone" : "onTaskFailed", e);
        }
        if (endCall(serving)) {
            deliverPending();
        }
    }

    /**
     * A task of this connection waited for its worker past the queue timeout and was taken back unrun: the
     * handler hears it, as it would the completion.
     */
    void taskExpired() {
        assert inOwnerThread() : notOwner("taskExpired");
        if (taskCompleted() || state != OPEN) {
            return; // closed meanwhile: only the context to free
        }
        IoScope serving = beginCall();
        try {
            scope.handler.onQueueTimeout(this);
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            scope.handlerFailed(this, "onQueueTimeout", e);
        }
        if (endCall(serving)) {
            deliverPending();
        }
    }

    /** A task of this connection completed: true when that let the context go back to its pool. */
    boolean taskCompleted() {
        assert inOwnerThread() : notOwner("taskCompleted");
        tasksInFlight--;
        if (state == AWAITING_TASKS && tasksInFlight == 0) {
            released();
            return true;
        }
        return false;
    }

    // ---- timers

    @Override
    public void setTimer(long delayMs) {
        assert inOwnerThread() : notOwner("setTimer");
        if (state == OPEN && scope != null) {
            scope.timers.schedule(this, scope.loop.cycleMs() + Math.max(0, delayMs));
        }
    }

    @Override
    public long nowMs() {
        assert inOwnerThread() : notOwner("nowMs");
        return scope != null ? scope.loop.cycleMs() : EventLoop.nowMs();
    }

    @Override
    public void cancelTimer() {
        assert inOwnerThread() : notOwner("cancelTimer");
        if (scope != null) {
            scope.timers.cancel(this);
        }
    }

    void onTimer() {
        assert inOwnerThread() : notOwner("onTimer");
        if (state != OPEN) {
            return;
        }
        IoScope serving = beginCall();
        try {
            scope.handler.onTimer(this);
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            scope.handlerFailed(this, "onTimer", e);
        }
        if (endCall(serving)) {
            deliverPending(); // a route that answered from its timer may have held pipelined input back
        }
    }

    // ---- moving between threads

    @Override
    public boolean handOff(BlockingHandler handler) {
        assert inOwnerThread() : notOwner("handOff");
        return canLeave() && transfer.handOff(handler);
    }

    @Override
    public boolean moveToWorker() {
        assert inOwnerThread() : notOwner("moveToWorker");
        return canLeave() && transfer.moveToWorker();
    }

    /** Only an open connection with no task in flight and no close pending leaves: nothing stays behind. */
    private boolean canLeave() {
        return state == OPEN && tasksInFlight == 0 && !closeAfterWrite;
    }

    @Override
    public boolean moveHome() {
        assert inOwnerThread() : notOwner("moveHome");
        return state == OPEN && scope != null && tasksInFlight == 0 && transfer.moveHome();
    }

    /** At the end of the handler call that asked to leave: this loop stops watching it, then it goes. */
    private void leave() {
        scope.timers.cancel(this);
        watching.unwatch(home.index, id);
        watching = null;
        interestOps = 0;
        IoScope from = scope;
        scope = null;
        transfer.leave(from);
    }

    /** On a worker: a MOVE message arrived; its loop serves the connection from now on. */
    void arriveAt(IoScope worker) {
        assert worker.loop.inLoop() && scope == null : notOwner("arriveAt");
        scope = worker;
        arrive(false);
    }

    /** At home: a RETURNED message arrived. */
    void cameHome() {
        assert home.inLoop() && scope == null : notOwner("cameHome");
        transfer.backHome();
        scope = home.scope();
        arrive(false);
    }

    /**
     * At home: the hand-off waited for its worker past the queue timeout, and home took it back before the
     * worker began; the handler hears {@code onQueueTimeout} instead of {@code onArrived}.
     */
    void handOffExpired() {
        assert home.inLoop() && scope == null : notOwner("handOffExpired");
        transfer.handOffExpired();
        home.stats.away.add(-1);
        scope = home.scope();
        arrive(true);
    }

    private void arrive(boolean queueTimedOut) {
        watching = scope.poller;
        interestOps = -1; // whatever it had, updateInterest sets it
        IoScope serving = beginCall();
        try {
            if (queueTimedOut) {
                scope.handler.onQueueTimeout(this);
            } else {
                scope.handler.onArrived(this);
            }
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            scope.handlerFailed(this, queueTimedOut ? "onQueueTimeout" : "onArrived", e);
        }
        if (endCall(serving)) {
            deliverPending();
        }
    }

    /** Whether {@code serving} serves this connection now. */
    boolean isServedBy(IoScope serving) {
        return state == OPEN && scope == serving;
    }

    /**
     * On a worker, for a hand-off: lends this connection's buffers to {@code handler} through {@code session},
     * output the loop left unsent going first, and keeps what input the handler left; returns whether the
     * handler keeps the connection.
     */
    boolean serveWith(BlockingSession session, BlockingHandler handler) throws Exception {
        session.bind(this, in, inAddress);
        try {
            output.sendBlocking(session);
            in.limit(inPending).position(0);
            boolean keep = handler.serve(session);
            session.flush();
            inPending = in.remaining();
            in.compact();
            return keep;
        } finally {
            session.release();
        }
    }

    /** On a worker, when a hand-off ends: the worker closes the connection it holds. */
    void closeOn(IoScope worker, boolean reset) {
        assert worker.loop.inLoop() && scope == null : notOwner("closeOn");
        scope = worker;
        if (reset) {
            reset();
        } else {
            close();
        }
    }

    // ---- close

    /** The handler asked to close once its output is gone: what is written now is the last. */
    boolean closesAfterWrite() {
        return closeAfterWrite;
    }

    @Override
    public void closeAfterWrite() {
        assert inOwnerThread() : notOwner("closeAfterWrite");
        if (state == OPEN) {
            closeAfterWrite = true;
        }
    }

    @Override
    public void reset() {
        assert inOwnerThread() : notOwner("reset");
        if (state == OPEN) {
            resetOnClose = true;
            close();
        }
    }

    @Override
    public void close() {
        assert inOwnerThread() : notOwner("close");
        if (state != OPEN) {
            return;
        }
        if (transfer.putOffClose()) {
            return;
        }
        transfer.cancel();
        if (scope != null && scope.offload != null) {
            scope.offload.abortOpenClaim(this); // a commit after the close must fail, not send a task for a freed context
        }
        boolean tasksPending = tasksInFlight > 0;
        state = AWAITING_TASKS; // not OPEN from here on: a close() from onClose returns at once
        if (scope != null) {
            scope.timers.cancel(this);
        }
        output.discard(scope);
        assert scope != null : "connection " + id + " closed in transit";
        boolean reset = resetOnClose;
        resetOnClose = false;
        (scope != null ? scope.poller : home.poller).close(home.index, id, reset); // every poller forgets it
        watching = null;
        inPending = 0;
        closeAfterWrite = false;
        if (!transfer.isAway()) {
            home.countClose();
        } else if (scope != null) {
            scope.loop.released(); // the worker's side serving it lets go
        }
        try {
            if (scope != null) {
                scope.handler.onClose(this);
            }
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            scope.failed(id, "onClose", e);
        }
        if (!tasksPending) {
            released();
        }
    }

    /**
     * Closed, and no task will come back for it: to the pool, through home's mailbox when away. Closed away
     * during a handler call, it goes when the call returns ({@link #endCall}): home may give the context to
     * the next connection at once, and the rest of the call must find this one closed, not that one open.
     */
    private void released() {
        if (!transfer.isAway()) {
            scope = null;
            state = FREE;
            home.pool.release(this);
            return;
        }
        state = CLOSED_AWAY;
        if (scope == null || scope.scratchOwner != this) {
            sendClosedHome();
        }
    }

    /** Closed away: home takes the context back when it reads the message; this thread touches it no more. */
    private void sendClosedHome() {
        scope = null;
        home.post(Messages.CLOSED_AWAY, home.index, id, 0, 0, null);
    }

    /** At home: the connection was closed on a worker. */
    void closedAway() {
        assert home.inLoop() && state == CLOSED_AWAY : notOwner("closedAway");
        transfer.backHome();
        home.countClose();
        state = FREE;
        home.pool.release(this);
    }
}
