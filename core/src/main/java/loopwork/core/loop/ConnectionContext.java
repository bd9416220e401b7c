package loopwork.core.loop;

import java.io.IOException;
import java.nio.ByteBuffer;

import loopwork.core.BlockingHandler;
import loopwork.core.Connection;
import loopwork.core.TaskPayload;
import loopwork.core.Transport;

/**
 * One context of an accept loop's pool and the I/O of the connection it holds: reads into the serving
 * loop's scratch or its own input buffer, hands bytes to the handler (whose answers its
 * {@link ConnectionOutput} gathers and writes), carries the connection to a worker and back, and closes it
 * exactly once. Its buffers are preallocated views of the pool's memory.
 *
 * <p>Not thread-safe: owned by the thread serving the connection: its accept loop ({@link #home}), or
 * while it is away, the worker it was handed or moved to. Ownership passes only through a mailbox
 * message, whose commit and peek order everything written before against everything read after.
 */
final class ConnectionContext implements Connection {

    static final int FREE = 0;
    static final int OPEN = 1;
    /** Closed while tasks were in flight: released when the last one completes. */
    static final int AWAITING_TASKS = 2;
    /** Closed on a worker: released when home reads the message saying so. */
    static final int CLOSED_AWAY = 3;

    /** Where the connection goes when the current handler call returns. */
    private static final int STAY = 0;
    private static final int HAND_OFF = 1;
    private static final int MOVE = 2;
    private static final int HOME = 3;

    private final int id;
    final AcceptLoop home;
    private final ByteBuffer in;
    private final long inAddress;
    /** The socket, whichever transport holds it; one for the life of the context. */
    final Endpoint endpoint;
    private final ConnectionOutput output;

    int state = FREE;
    /** Who serves it now: its home's scope, a worker's, or null while blocking on a worker or in transit. */
    private IoScope scope;
    /** Served by a worker, or on its way to or from one. */
    private boolean away;
    /** The poller of the thread serving it now; null while handed off or in transit. */
    private Poller watching;
    /** The worker this connection goes to when it leaves (so its registrations there are reused); -1 until it first does. */
    int worker = -1;
    int tasksInFlight;
    private Object attachment;
    /** Unconsumed input kept in {@link #in}, from 0. */
    private int inPending;
    private boolean closeAfterWrite;
    private int interestOps;

    private int transfer = STAY;
    private BlockingHandler blockingHandler;
    /** A worker's blocking handler is serving it now: a close() is only noted, and done when the handler returns. */
    private boolean servingBlocking;
    private boolean closeWhenServed;
    WorkerLoop target;
    long targetPosition = -1;

    // Intrusive links of the serving loop's timer wheel.
    long timerDeadlineMs = -1;
    ConnectionContext timerNext;
    ConnectionContext timerPrevious;

    ConnectionContext(int id, ByteBuffer in, long inAddress, ByteBuffer out, long outAddress, AcceptLoop home,
            Transport transport) {
        this.id = id;
        this.in = in;
        this.inAddress = inAddress;
        this.home = home;
        this.endpoint = Poller.newEndpoint(transport, this);
        this.output = new ConnectionOutput(this, out, outAddress);
    }

    /** Its endpoint has just been given a connection: home serves it; {@link #opened()} has it watched. */
    void open() {
        assert state == FREE : "context " + id + " taken while in use";
        this.state = OPEN;
        this.scope = home.scope();
        this.watching = home.poller;
        this.interestOps = Poller.READ; // not yet asked of the poller: opened() does, after a first read
    }

    /**
     * After {@link #open()}: the handler's {@code onOpen}, then a first read before the poller is asked to
     * watch. A client sends its request as soon as it is connected, so it has usually arrived by the time the
     * loop accepts: this saves a trip through the poller, and a connection answered and closed at once
     * (HTTP/1.0, {@code Connection: close}) never enters it at all.
     */
    void opened() {
        IoScope serving = beginCall();
        try {
            scope.handler.onOpen(this);
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            scope.handlerFailed(this, e);
        }
        try {
            // Read only if onOpen left it reading, as the poller would; then have the poller watch what is wanted.
            if (endCall(serving) && ((interestOps & Poller.READ) == 0 || onReadable())) {
                interestOps = -1; // whatever was settled so far, the poller has not been told yet
                updateInterest();
            }
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    /** A failure while this connection's event was handled: counted, logged, and the connection closed. */
    private void failed(RuntimeException e) {
        (scope != null ? scope : home.scope()).handlerFailed(this, e);
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
    public boolean isHome() {
        return !away;
    }

    @Override
    public void attach(Object value) {
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

    /** {@code from} found the socket ready for {@code ready} ({@link Poller#READ} | {@link Poller#WRITE}). */
    void onReady(Poller from, int ready) {
        if (state != OPEN || watching != from) {
            return; // reported just before it left this thread
        }
        try {
            if ((ready & Poller.WRITE) != 0 && !onWritable()) {
                return; // closed, or now another thread's: touch nothing more
            }
            if ((ready & Poller.READ) != 0) {
                onReadable();
            }
        } catch (RuntimeException e) {
            failed(e);
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
        int read = endpoint.read(scope.poller, target, address);
        if (read < 0) {
            close(); // the peer closed (everything it sent before has been answered) or reset
            return false;
        }
        if (read > 0) {
            target.flip();
            return deliver(target);
        }
        return true;
    }

    /**
     * Shows input kept from earlier to the handler again (after a task completed, output drained, or an
     * arrival). Call it only while this thread serves the connection; returns whether it still does.
     */
    private boolean deliverPending() {
        if (inPending > 0 && !closeAfterWrite) {
            in.limit(inPending).position(0);
            return deliver(in);
        }
        return true;
    }

    /** Hands bytes to the handler; returns whether this thread still serves the connection after. */
    private boolean deliver(ByteBuffer data) {
        IoScope serving = beginCall();
        try {
            scope.handler.onData(this, data);
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            scope.handlerFailed(this, e);
        }
        if (state == OPEN) {
            keepUnconsumed(data);
        }
        return endCall(serving);
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
        return writable() && output.reserve(scope, length);
    }

    @Override
    public boolean write(ByteBuffer src) {
        return writable() && output.write(scope, src);
    }

    @Override
    public boolean write(byte[] src, int offset, int length) {
        return writable() && output.write(scope, src, offset, length);
    }

    /** Whether the handler may write now: open, served by this thread, neither closing nor leaving. */
    private boolean writable() {
        return state == OPEN && scope != null && !closeAfterWrite && transfer == STAY;
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
            updateInterest(); // some left: keep watching for room
            return true;
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
                scope.handlerFailed(this, e);
            }
            if (!endCall(serving) || !deliverPending()) {
                return false;
            }
        }
        updateInterest();
        return true;
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
        output.endCall(serving);
        if (state != OPEN) {
            return false;
        }
        if (closeAfterWrite && output.pending() == 0) {
            close();
            return false;
        }
        if (transfer != STAY) {
            leave();
            return false;
        }
        updateInterest();
        return true;
    }

    private void updateInterest() {
        boolean reading = !closeAfterWrite && !output.isBlocked() && inPending < in.capacity();
        int wanted = (reading ? Poller.READ : 0) | (output.pending() > 0 ? Poller.WRITE : 0);
        if (wanted != interestOps) {
            interestOps = wanted;
            if (!endpoint.watch(watching, wanted)) {
                close();
            }
        }
    }

    // ---- tasks

    @Override
    public TaskPayload tryClaimTask(int taskType) {
        return state == OPEN && scope != null && transfer == STAY ? scope.offload.tryClaim(this, taskType) : null;
    }

    @Override
    public void commitTask() {
        scope.offload.commit(this);
    }

    void taskDone(int taskType, TaskPayload result) {
        IoScope serving = beginCall();
        try {
            if (result != null) {
                scope.handler.onTaskDone(this, taskType, result);
            } else {
                scope.handler.onTaskFailed(this, taskType);
            }
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            scope.handlerFailed(this, e);
        }
        if (endCall(serving)) {
            deliverPending();
        }
    }

    /** A task of this connection completed: true when that let the context go back to its pool. */
    boolean taskCompleted() {
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
        if (state == OPEN && scope != null) {
            scope.timers.schedule(this, scope.loop.cycleMs() + Math.max(0, delayMs));
        }
    }

    @Override
    public long nowMs() {
        return scope != null ? scope.loop.cycleMs() : EventLoop.nowMs();
    }

    @Override
    public void cancelTimer() {
        if (scope != null) {
            scope.timers.cancel(this);
        }
    }

    void onTimer() {
        if (state != OPEN) {
            return;
        }
        IoScope serving = beginCall();
        try {
            scope.handler.onTimer(this);
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            scope.handlerFailed(this, e);
        }
        endCall(serving);
    }

    // ---- moving between threads

    @Override
    public boolean handOff(BlockingHandler handler) {
        if (!canLeaveHome() || handler == null || !home.scope().offload.claimTransfer(this)) {
            return false;
        }
        transfer = HAND_OFF;
        blockingHandler = handler;
        return true;
    }

    @Override
    public boolean moveToWorker() {
        if (!canLeaveHome() || !home.scope().offload.claimTransfer(this)) {
            return false;
        }
        transfer = MOVE;
        return true;
    }

    private boolean canLeaveHome() {
        return state == OPEN && !away && transfer == STAY && tasksInFlight == 0 && !closeAfterWrite;
    }

    @Override
    public boolean moveHome() {
        if (state != OPEN || !away || scope == null || transfer != STAY || tasksInFlight > 0) {
            return false;
        }
        transfer = HOME;
        return true;
    }

    /** At the end of the handler call that asked to leave: this loop stops watching it, then it goes. */
    private void leave() {
        scope.timers.cancel(this);
        endpoint.unwatch(watching);
        watching = null;
        interestOps = 0;
        IoScope from = scope;
        scope = null;
        switch (transfer) {
            case HAND_OFF -> depart(Messages.HAND_OFF);
            case MOVE -> depart(Messages.MOVE);
            case HOME -> {
                transfer = STAY;
                ((WorkerLoop) from.loop).released();
                home.post(Messages.RETURNED, home.index, id, 0, 0, null);
            }
            default -> throw new IllegalStateException("transfer " + transfer);
        }
    }

    /** Publishes the claimed worker slot: the worker owns the connection from here. */
    private void depart(int kind) {
        away = true;
        transfer = STAY;
        home.stats.away.increment();
        WorkerLoop to = target;
        long position = targetPosition;
        target = null;
        targetPosition = -1;
        to.mailbox.header(position, Messages.KIND, kind);
        to.mailbox.commit(position); // the worker owns the connection from here: no field is touched after
        to.wakeup();
    }

    /** On a worker: a MOVE message arrived; its loop serves the connection from now on. */
    void arriveAt(IoScope worker) {
        scope = worker;
        arrive();
    }

    /** At home: a RETURNED message arrived. */
    void cameHome() {
        away = false;
        scope = home.scope();
        arrive();
    }

    private void arrive() {
        watching = scope.poller;
        interestOps = -1; // whatever it had, updateInterest sets it
        IoScope serving = beginCall();
        try {
            scope.handler.onArrived(this);
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            scope.handlerFailed(this, e);
        }
        if (endCall(serving)) {
            deliverPending();
        }
    }

    /** During a hand-off: the handler closed the connection, which happens when it returns; no more I/O. */
    boolean closeRequested() {
        return closeWhenServed;
    }

    /** Whether {@code serving} serves this connection now. */
    boolean isServedBy(IoScope serving) {
        return state == OPEN && scope == serving;
    }

    /** On a worker: serve the handed-off connection with its blocking handler, then return or close it. */
    void serveBlocking(BlockingSession session, IoScope worker) {
        boolean keep = false;
        servingBlocking = true;
        try {
            session.bind(this, in, inAddress);
            output.sendBlocking(session);
            in.limit(inPending).position(0);
            keep = blockingHandler.serve(session);
            session.flush();
            inPending = in.remaining();
            in.compact();
        } catch (IOException e) {
            keep = false; // the peer reset, closed or went idle: not the handler's fault
        } catch (InterruptedException e) {
            keep = false; // the worker is stopping
            Thread.currentThread().interrupt();
        } catch (Exception | AssertionError | StackOverflowError e) {
            keep = false;
            worker.handlerErrors.increment();
            if (worker.log != null) {
                worker.log.println(worker.loop.name() + ": blocking handler failed on connection " + id + ": " + e);
            }
        } finally {
            session.bind(null, null, 0);
            blockingHandler = null;
            servingBlocking = false;
        }
        if (closeWhenServed) {
            closeWhenServed = false;
            keep = false;
        }
        if (keep && endpoint.isOpen()) {
            ((WorkerLoop) worker.loop).released();
            home.post(Messages.RETURNED, home.index, id, 0, 0, null);
        } else {
            scope = worker;
            close(); // which tells the worker it let go
        }
    }

    // ---- close

    @Override
    public void closeAfterWrite() {
        if (state == OPEN) {
            closeAfterWrite = true;
        }
    }

    @Override
    public void close() {
        if (state != OPEN) {
            return;
        }
        if (servingBlocking) {
            // Closing now would send the context home while the handler still uses it: the worker closes it
            // when the handler returns, on its own thread.
            closeWhenServed = true;
            return;
        }
        if (target != null) {
            // Claimed a slot to leave but never left: give the slot and the reservation back.
            target.mailbox.commit(targetPosition);
            target = null;
            targetPosition = -1;
            home.unreserve();
        }
        transfer = STAY;
        boolean tasksPending = tasksInFlight > 0;
        state = AWAITING_TASKS; // not OPEN from here on: a close() from onClose returns at once
        if (scope != null) {
            scope.timers.cancel(this);
        }
        output.discard(scope);
        assert scope != null : "connection " + id + " closed in transit";
        endpoint.close(scope != null ? scope.poller : home.poller); // every poller forgets it
        watching = null;
        worker = -1;
        inPending = 0;
        closeAfterWrite = false;
        if (!away) {
            home.countClose();
        } else if (scope != null && scope.loop instanceof WorkerLoop serving) {
            serving.released();
        }
        try {
            if (scope != null) {
                scope.handler.onClose(this);
            }
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            scope.handlerErrors.increment();
        }
        if (!tasksPending) {
            released();
        }
    }

    /** Closed, and no task will come back for it: to the pool, through home's mailbox when away. */
    private void released() {
        scope = null;
        if (away) {
            state = CLOSED_AWAY;
            home.post(Messages.CLOSED_AWAY, home.index, id, 0, 0, null);
        } else {
            state = FREE;
            home.pool.release(this);
        }
    }

    /** At home: the connection was closed on a worker. */
    void closedAway() {
        away = false;
        home.countClose();
        state = FREE;
        home.pool.release(this);
    }

    boolean isAway() {
        return away;
    }
}
