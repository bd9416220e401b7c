package loopwork.core.loop;

import java.nio.ByteBuffer;

import loopwork.core.BlockingHandler;
import loopwork.core.Connection;
import loopwork.core.PeerAddress;
import loopwork.core.TaskPayload;

/**
 * A connection's state: whether it is open and who serves it, its peer's address, its buffers and what they hold,
 * its output waiting for the socket, the trip it asked for, its tasks in flight and its timer. A passive record,
 * changed by the classes of the thread serving it (its {@link ConnectionDriver}, that driver's
 * {@link ConnectionOutput}, {@link Trips} and {@link ConnectionCloser}, the loop's {@link TaskOffload}, a
 * worker's {@link HandOff}). As the handler's {@link Connection}, it passes each action to {@link #servedBy},
 * the thread serving it now. One per context of an accept loop's pool, reused by every connection the context
 * holds; its buffers are views of the pool's memory.
 *
 * <p>Not thread-safe: owned by the thread serving the connection ({@link #servedBy}), by its home loop while it
 * is free or closed away, and by nobody in transit: ownership passes only through a mailbox message, whose commit
 * and peek order everything written before against everything read after. Entry points assert it.
 */
final class ConnectionContext implements Connection {

    static final int FREE = 0;
    static final int OPEN = 1;
    /** Closed while tasks were in flight: released when the last one completes. */
    static final int AWAITING_TASKS = 2;
    /** Closed on a worker: released when home reads the message saying so. */
    static final int CLOSED_AWAY = 3;

    /** Where the connection goes when the current handler call returns. */
    static final int STAY = 0;
    static final int HAND_OFF = 1;
    static final int MOVE = 2;
    static final int HOME = 3;

    final int id;
    /** The index of its accept loop, whose pool it belongs to. */
    final int home;
    final OwnerThread homeOwner;
    /** Home's clock: the time a handler reads when nothing serves the connection (free, or closed in its call). */
    private final LoopClock homeClock;
    final ByteBuffer in;
    final long inAddress;
    final ByteBuffer out;
    final long outAddress;
    final PeerAddress peer = new PeerAddress();

    int state = FREE;
    /** Who serves it now: a loop's driver, or a worker's blocking side; null in transit. */
    ConnectionActions servedBy;
    /** Served by a worker, or on its way to or from one. */
    boolean away;
    Object attachment;
    int tasksInFlight;

    // Input.
    /** Unconsumed input kept in {@link #in}, from 0. */
    int inPending;
    /** The peer has ended its input (a FIN): nothing more is read, and what it sent before is still answered. */
    boolean inputEnded;
    /** Fewer unconsumed bytes than this after a read are kept without an {@code onData}: {@link #awaitBytes}. */
    int inWanted;
    /** What the last read returned: bytes, 0 when nothing was waiting, negative at the end. */
    int lastRead;
    /** What the serving poller watches for; -1 when it has not been told since the connection arrived. */
    int interestOps;

    // Output.
    /** Output the socket has not taken yet, in {@link #out} from {@link #outStart} to here; both 0 when none. */
    int outPending;
    /** Where the unsent output starts in {@link #out}: a partial write moves nothing, so no byte is copied twice. */
    int outStart;
    /** The region {@link #send} holds (null when none), sent from {@link #sendNext} to {@link #sendEnd}. */
    ByteBuffer sendSource;
    int sendNext;
    int sendEnd;
    /** The held region is all taken: the handler is owed {@code onSent}. */
    boolean sentOwed;
    /** A write was refused; the handler is told when output drains. */
    boolean outBlocked;
    boolean closeAfterWrite;
    /** {@link #reset()} asked for this close, which may be put off until a blocking handler returns. */
    boolean resetOnClose;

    // The trip asked for in the current handler call, and its claimed slot.
    int trip = STAY;
    /** The worker this connection goes to when it leaves (where its registrations are); -1 until it first does. */
    int worker = -1;
    Mailbox tripTarget;
    long tripPosition = -1;
    BlockingHandler blockingHandler;
    /** What the handler passed along with the hand-off, for its blocking handler. */
    long handOffArgument;
    /** A close asked for while a blocking handler serves it: done when the handler returns. */
    boolean closeWhenServed;

    // Intrusive links of the serving loop's timer wheel.
    long timerDeadlineMs = -1;
    ConnectionContext timerNext;
    ConnectionContext timerPrevious;

    ConnectionContext(int id, int home, OwnerThread homeOwner, LoopClock homeClock, ByteBuffer in, long inAddress,
            ByteBuffer out, long outAddress) {
        this.id = id;
        this.home = home;
        this.homeOwner = homeOwner;
        this.homeClock = homeClock;
        this.in = in;
        this.inAddress = inAddress;
        this.out = out;
        this.outAddress = outAddress;
    }

    /** Whether {@code actions}' thread serves this connection now. */
    boolean isServedBy(ConnectionActions actions) {
        return state == OPEN && servedBy == actions;
    }

    /** A trip was asked for in the current handler call: the connection takes no more output or tasks. */
    boolean isLeaving() {
        return trip != STAY;
    }

    /** For asserts: the caller is the thread serving it, or home when it is free or closed away (in transit, none). */
    boolean inOwnerThread() {
        ConnectionActions serving = servedBy;
        if (serving != null) {
            return serving.inOwnerThread();
        }
        return state != OPEN && homeOwner.isCurrent();
    }

    /** The message of a failed {@link #inOwnerThread()} assert: built only then. */
    String notOwner(String what) {
        return "connection " + id + ": " + what + " called on " + Thread.currentThread().getName()
                + ", which does not serve it now";
    }

    // ---- the handler's Connection: what it reads here, what it does through the thread serving it

    @Override
    public int id() {
        return id;
    }

    @Override
    public int loopIndex() {
        return home;
    }

    @Override
    public PeerAddress peerAddress() {
        return peer;
    }

    @Override
    public boolean inServingThread() {
        return inOwnerThread();
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
        return !away;
    }

    @Override
    public int unconsumedInput() {
        assert inOwnerThread() : notOwner("unconsumedInput");
        return inPending;
    }

    @Override
    public boolean draining() {
        assert inOwnerThread() : notOwner("draining");
        return servedBy != null && servedBy.draining();
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
    public void awaitBytes(int bytes) {
        assert inOwnerThread() : notOwner("awaitBytes");
        inWanted = Math.max(0, bytes);
    }

    @Override
    public int tasksInFlight() {
        return tasksInFlight;
    }

    @Override
    public boolean canWrite(int length) {
        assert inOwnerThread() : notOwner("canWrite");
        return state == OPEN && servedBy.canWrite(this, length);
    }

    @Override
    public boolean write(ByteBuffer src) {
        assert inOwnerThread() : notOwner("write");
        return state == OPEN && servedBy.write(this, src);
    }

    @Override
    public boolean write(byte[] src, int offset, int length) {
        assert inOwnerThread() : notOwner("write");
        return state == OPEN && servedBy.write(this, src, offset, length);
    }

    @Override
    public boolean write(ByteBuffer src, int offset, int length) {
        assert inOwnerThread() : notOwner("write");
        java.util.Objects.checkFromIndexSize(offset, length, src.limit());
        return state == OPEN && servedBy.write(this, src, offset, length);
    }

    @Override
    public boolean send(ByteBuffer src, int offset, int length) {
        assert inOwnerThread() : notOwner("send");
        java.util.Objects.checkFromIndexSize(offset, length, src.limit());
        return state == OPEN && servedBy.send(this, src, offset, length);
    }

    @Override
    public boolean isSending() {
        return sendSource != null;
    }

    @Override
    public TaskPayload tryClaimTask(int taskType) {
        assert inOwnerThread() : notOwner("tryClaimTask");
        return state == OPEN ? servedBy.tryClaimTask(this, taskType, -1) : null;
    }

    @Override
    public TaskPayload tryClaimTask(int taskType, int worker) {
        assert inOwnerThread() : notOwner("tryClaimTask");
        if (worker < 0) {
            throw new IllegalArgumentException("worker " + worker);
        }
        return state == OPEN ? servedBy.tryClaimTask(this, taskType, worker) : null;
    }

    @Override
    public void commitTask() {
        assert inOwnerThread() : notOwner("commitTask");
        servedBy.commitTask(this);
    }

    @Override
    public boolean handOff(BlockingHandler handler, long argument) {
        assert inOwnerThread() : notOwner("handOff");
        java.util.Objects.requireNonNull(handler, "handOff(null): no blocking handler to serve the connection");
        if (!canLeave() || !servedBy.handOff(this, handler)) {
            return false;
        }
        handOffArgument = argument;
        return true;
    }

    @Override
    public boolean moveToWorker() {
        assert inOwnerThread() : notOwner("moveToWorker");
        return canLeave() && servedBy.moveToWorker(this);
    }

    /** Only an open connection with no task in flight and no close pending leaves: nothing stays behind. */
    private boolean canLeave() {
        return state == OPEN && tasksInFlight == 0 && !closeAfterWrite;
    }

    @Override
    public boolean moveHome() {
        assert inOwnerThread() : notOwner("moveHome");
        return state == OPEN && tasksInFlight == 0 && servedBy.moveHome(this);
    }

    @Override
    public void setTimer(long delayMs) {
        assert inOwnerThread() : notOwner("setTimer");
        if (state == OPEN) {
            servedBy.setTimer(this, delayMs);
        }
    }

    @Override
    public void cancelTimer() {
        assert inOwnerThread() : notOwner("cancelTimer");
        if (servedBy != null) {
            servedBy.cancelTimer(this);
        }
    }

    @Override
    public long nowMs() {
        assert inOwnerThread() : notOwner("nowMs");
        return servedBy != null ? servedBy.nowMs() : homeClock.cycleMs();
    }

    @Override
    public long nowNs() {
        assert inOwnerThread() : notOwner("nowNs");
        return servedBy != null ? servedBy.nowNs() : homeClock.cycleNs();
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
            servedBy.close(this);
        }
    }

    @Override
    public void close() {
        assert inOwnerThread() : notOwner("close");
        if (state == OPEN) {
            servedBy.close(this);
        }
    }
}
