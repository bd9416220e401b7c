package loopwork.core.loop;

import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * One virtual thread of a worker's pool ({@link VirtualHandOffs}) and what it serves hand-offs with: its own
 * {@link HandOff}, {@link BlockingSession} (and so its own output scratch and wait budget) and I/O-only poller,
 * so that the virtual threads of one worker share nothing while they run. It serves one hand-off at a time,
 * given by its worker ({@link #serve}), and gives the connection back by pushing itself on the worker's
 * hand-back stack: when the handler is done, and whenever it must wait for its peer, which the worker then
 * watches for it ({@link #awaitPeer}). Between hand-offs it parks, kept for the next one.
 *
 * <p>Not thread-safe: the connection and this object's session are its virtual thread's from {@link #serve}
 * until it pushes itself, and its worker's from then until the worker answers it ({@link #answer}) or gives
 * it the next hand-off. Each crossing is a volatile write read by the other side (the stack's head, the
 * answer, the next assignment), so each side sees what the other wrote before it.
 */
final class VirtualHandOff implements Runnable, BlockingSession.PeerWait {

    /** What it pushed itself for: to wait for its peer, or because the handler is done. */
    static final int WAIT = 1;
    static final int DONE = 2;
    private static final int PENDING = 0;

    final HandOff handOff;
    final Thread thread;
    private final VirtualHandOffs pool;
    /** The next hand-off, set by the worker; null while it has none. */
    private volatile ConnectionContext assigned;
    /** Its worker stopped: with nothing assigned, the thread ends. */
    private volatile boolean retired;
    /** How the worker ended a wait: {@link BlockingSession#READY} etc., or {@link #PENDING}. */
    private volatile int answer;

    // Written by the virtual thread before it pushes itself, read by the worker after it pops it.
    /** The next on the hand-back stack. */
    VirtualHandOff next;
    int request;
    int operation;
    long limitNanos;
    boolean keep;

    // The worker's.
    /** The connection it serves now; null while it is in the pool. */
    ConnectionContext context;
    /** Where it is in the worker's list of those waiting for their peer; -1 when it is not there. */
    int waitIndex = -1;
    long deadlineMs;

    /** Made by its worker's pool, which starts the thread: it parks at once, until its first hand-off. */
    VirtualHandOff(VirtualHandOffs pool, int index, String name, Function<VirtualHandOff, HandOff> handOffs) {
        this.pool = pool;
        this.thread = Thread.ofVirtual().name(name).unstarted(this);
        this.handOff = handOffs.apply(this);
        handOff.poolIndex = index;
    }

    /** The worker: serve {@code next} (its {@code servedBy} is this one's {@link #handOff} already). */
    void serve(ConnectionContext next) {
        context = next;
        assigned = next;
        LockSupport.unpark(thread);
    }

    /** The worker: a wait ended so. */
    void answer(int outcome) {
        answer = outcome;
        LockSupport.unpark(thread);
    }

    /** The worker, once it stopped: the thread ends once it has nothing to serve. */
    void retire() {
        retired = true;
        LockSupport.unpark(thread);
    }

    @Override
    public void run() {
        while (true) {
            ConnectionContext next;
            while ((next = assigned) == null) {
                if (retired) {
                    return;
                }
                LockSupport.park(this);
            }
            assigned = null;
            Thread.interrupted(); // an interrupt meant for the last hand-off (the kit stopping) is spent
            keep = handOff.run(next);
            request = DONE;
            pool.push(this); // the worker's from here: this thread touches neither it nor the connection
        }
    }

    /**
     * On its virtual thread, from its session: the worker watches the connection for {@code operation} for up to
     * {@code limit} ns, while this thread parks; how the wait ended ({@link BlockingSession#READY} etc.).
     */
    @Override
    public int awaitPeer(int operation, long limit) {
        answer = PENDING;
        this.operation = operation;
        this.limitNanos = limit;
        request = WAIT;
        pool.push(this);
        boolean interrupted = false;
        int outcome;
        while ((outcome = answer) == PENDING) {
            LockSupport.park(this);
            // Only the worker ends a wait (it holds the watch); an interrupt would make park return at once.
            interrupted |= Thread.interrupted();
        }
        if (interrupted) {
            thread.interrupt();
        }
        return outcome;
    }
}
