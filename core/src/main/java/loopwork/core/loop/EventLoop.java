package loopwork.core.loop;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import loopwork.core.log.FailureLog;
import loopwork.core.ring.SlotPayload;
import loopwork.core.ring.SlotRing;
import loopwork.core.transport.Poller;
import loopwork.core.transport.TransportFamily;

/**
 * An agent with a poller and a mailbox: each cycle drains the mailbox, polls, and fires due timers; it
 * sleeps in the poller only when there is nothing else to do. Accept loops and workers are both this.
 *
 * <p>Not thread-safe: owned by its thread. Other threads may call {@link #wakeup()}, {@link #stop()},
 * {@link #mailbox()} (to claim, fill and commit a message) and {@link #post}. The owner-only entry points
 * assert {@link #inLoop()} (as Netty's loops assert {@code inEventLoop()}); tests run with {@code -ea}.
 */
abstract class EventLoop implements Runnable {

    private static final int MAILBOX_BATCH = 256;
    private static final long IDLE_POLL_MS = 1000;
    /** A cycle that did more than this may have taken a millisecond or more: the next one reads the clock anew. */
    private static final int LONG_CYCLE_WORK = 64;
    private static final VarHandle SLEEPING;

    static {
        try {
            SLEEPING = MethodHandles.lookup().findVarHandle(EventLoop.class, "sleeping", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Poller poller;
    /** Where the poller reports what is ready; it reads the clock as each poll's wait ends. */
    private final LoopReadiness readiness = new LoopReadiness(this);
    final SlotRing mailbox;
    private final loopwork.core.metrics.Counter failures = new loopwork.core.metrics.Counter();
    /** Where this thread logs its handlers' failures, a few a second at most. */
    final FailureLog handlerFailures = new FailureLog("loopwork.handler");
    /** Where it logs its own cycles' failures (bugs in the kit), as rate-limited. */
    private final FailureLog loopFailures = new FailureLog("loopwork.loop");
    private final Thread thread;
    private volatile boolean running = true;
    @SuppressWarnings("unused") // accessed through SLEEPING
    private volatile boolean sleeping;
    /** {@link #nowMs()} as of this cycle's poll: one clock read a cycle serves its timers and its connections. */
    private long cycleMs = nowMs();
    /** What the last cycle did: whether {@link #cycleMs} may still stand for now when the next one begins. */
    private int lastCycleWork = Integer.MAX_VALUE; // the first cycle reads it: the loop may start long after it is made
    /** Messages others may still owe this loop (task completions, connections away); capped at the mailbox's size. */
    private int owed;

    EventLoop(String name, int mailboxCapacity, TransportFamily transport) throws IOException {
        poller = transport.newPoller(readiness);
        mailbox = new SlotRing(mailboxCapacity);
        thread = new Thread(this, name);
        mailbox.consumer(thread);
        failures.writer(thread);
    }

    /**
     * Whether the calling thread may act as this loop: its own thread, or any thread while that one is not
     * running (before it starts, the thread building the kit owns everything; after it ended, the one that
     * joined it). For asserts: a field read and a compare, and never a message built unless one fails.
     */
    final boolean inLoop() {
        return Thread.currentThread() == thread || !thread.isAlive();
    }

    /** The message of a failed {@link #inLoop()} assert: built only then. */
    final String notInLoop(String what) {
        return what + " called on " + Thread.currentThread().getName() + ", not on its owner " + name();
    }

    static long nowMs() {
        return System.nanoTime() / 1_000_000;
    }

    /**
     * The clock as of this cycle's poll, which is when the events being handled arrived; timers count from
     * it. Reading the clock per request instead cost 2% of a keep-alive load's CPU.
     */
    final long cycleMs() {
        return cycleMs;
    }

    /** Read as each poll's wait ends, before what is ready is served ({@link LoopReadiness}). */
    final void readClock() {
        cycleMs = nowMs();
    }

    final String name() {
        return thread.getName();
    }

    public final Thread thread() {
        return thread;
    }

    /** Cycles that failed unexpectedly (a bug in the kit); the loop went on. Readable from any thread. */
    public final long failures() {
        return failures.get();
    }

    abstract IoScope scope();

    /** Handles one mailbox message; the slot is released after it returns. */
    abstract void onMessage(SlotRing ring, long position);

    /** The listening socket has connections waiting; only accept loops have one. */
    void onAcceptable() {
        throw new IllegalStateException(name() + " has no listener");
    }

    /** The context {@code id} of accept loop {@code home}'s pool, for a ready event naming it. */
    abstract ConnectionContext context(int home, int id);

    /** Closes whatever this loop still holds, on its thread, after the last cycle. */
    abstract void onClose();

    /** After each cycle's poll; nothing by default. */
    void afterPoll() {
    }

    /** A connection this loop served as a worker's left it (closed, or sent home); nothing by default. */
    void released() {
    }

    /** Reserves room in the mailbox for one message owed later; false when it is all spoken for. */
    final boolean reserve() {
        assert inLoop() : notInLoop("reserve");
        if (owed >= mailbox.capacity()) {
            return false;
        }
        owed++;
        return true;
    }

    final void unreserve() {
        assert inLoop() : notInLoop("unreserve");
        owed--;
    }

    public void start() {
        thread.start();
    }

    /** Wakes the loop if it sleeps in its poller: a syscall, so only once per sleep. */
    final void wakeup() {
        if ((boolean) SLEEPING.getVolatile(this) && SLEEPING.compareAndSet(this, true, false)) {
            poller.wakeup();
        }
    }

    public void stop() {
        running = false;
        poller.wakeup();
    }

    @Override
    public final void run() {
        try {
            while (running) {
                try {
                    doWork();
                } catch (RuntimeException | AssertionError e) {
                    // A bug, not bad input (handlers' failures are caught around each call): say so, keep serving.
                    failures.increment();
                    if (loopFailures.tryAcquire()) {
                        loopFailures.log(name() + ": unexpected failure, loop continues", e);
                    }
                    // A handler call it cut short is over: its connection must not look mid-call for good.
                    scope().scratchOwner = null;
                    scope().scratchOut.clear();
                }
            }
        } finally {
            onClose(); // the poller stays open: a late waker may still write to its eventfd (see release)
        }
    }

    /** One cycle; returns how much it did. */
    final int doWork() {
        assert inLoop() : notInLoop("doWork");
        int work = drainMailbox();
        // Before a sleep the clock as of the last poll serves, unless that cycle was long: a loop that sleeps
        // after every few events would otherwise read the clock twice a cycle, 3% of a keep-alive load's
        // user time. A timer then fires late by at most the short cycle's length.
        long now = lastCycleWork > LONG_CYCLE_WORK ? nowMs() : cycleMs;
        long timerDelay = work > 0 ? 0 : delayToNext(now); // 0: do not sleep
        if (timerDelay == 0) {
            work += readiness.poll(poller, 0);
        } else {
            SLEEPING.setVolatile(this, true);
            // Re-check after announcing the sleep: a message posted before the flag was visible would not wake us.
            if (!mailbox.isEmpty() || !running) {
                SLEEPING.setVolatile(this, false);
                work += readiness.poll(poller, 0);
            } else {
                work += readiness.poll(poller, timerDelay > 0 ? timerDelay : IDLE_POLL_MS);
                SLEEPING.setVolatile(this, false);
            }
        }
        afterPoll();
        work += scope().timers.expire(cycleMs);
        TaskOffload offload = scope().offload;
        if (offload != null) {
            work += offload.expireQueued(cycleMs);
        }
        handlerFailures.reportSuppressed(); // how many a flood left unlogged, once it is over: a field read until then
        loopFailures.reportSuppressed();
        lastCycleWork = work;
        return work;
    }

    /** Milliseconds until the next timer or queue deadline, 0 if one is due, -1 if there is none. */
    private long delayToNext(long nowMs) {
        long delay = scope().timers.delayToNext(nowMs);
        TaskOffload offload = scope().offload;
        return offload == null ? delay : offload.delayToNextExpiry(nowMs, delay);
    }

    private int drainMailbox() {
        int done = 0;
        while (done < MAILBOX_BATCH) {
            long position = mailbox.peek();
            if (position < 0) {
                break;
            }
            if (done == 0) {
                // A message may start a timer (a connection arriving, a completion's handler): it counts from
                // now, not from a poll that may lie a long cycle back. Only cycles with mail pay for this read.
                readClock();
            }
            try {
                onMessage(mailbox, position);
            } finally {
                mailbox.release(position);
            }
            done++;
        }
        return done;
    }

    /**
     * Posts a message to this loop from any thread. The sender has reserved room (a loop caps what may be
     * owed to it at its mailbox's capacity), so the spin only waits out producers that claimed before us, or
     * on a worker's loop, moves that took room meanwhile until the loop drains them. A loop that has
     * stopped drains nothing: the message is dropped, as everything is closing.
     */
    final void post(int kind, int home, int connection, int taskType, int status, SlotPayload payload) {
        long position;
        while ((position = mailbox.tryClaim()) < 0) {
            if (!running) {
                return;
            }
            Thread.onSpinWait();
        }
        mailbox.header(position, Messages.KIND, kind);
        mailbox.header(position, Messages.HOME, home);
        mailbox.header(position, Messages.CONNECTION, connection);
        mailbox.header(position, Messages.TASK_TYPE, taskType);
        mailbox.header(position, Messages.STATUS, status);
        if (payload != null) {
            payload.copyTo(mailbox, position);
        }
        mailbox.commit(position);
        wakeup();
    }
}
