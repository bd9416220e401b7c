package loopwork.core.loop;

import loopwork.core.transport.Poller;
import loopwork.core.transport.TransportFamily;
import java.io.IOException;

import loopwork.core.log.FailureLog;
import loopwork.core.metrics.Counter;
import loopwork.core.ring.SlotRing;

/**
 * An agent with a poller and a mailbox: each cycle ({@link #doWork()}) drains the mailbox, polls, and fires what
 * is due; it sleeps in the poller only when there is nothing else to do. Accept loops, workers' loops and
 * workers' blocking sides are all this. A test drives one without its thread by calling {@link #doWork()} with a
 * clock it moves by hand.
 *
 * <p>Not thread-safe: owned by its thread ({@link #owner}). Other threads may call {@link #stop()} and reach it
 * through its {@link #mailbox}. The owner-only entry points assert {@link OwnerThread#isCurrent()}; tests run
 * with {@code -ea}.
 */
abstract class EventLoop implements Runnable {

    private static final int MAILBOX_BATCH = 256;
    private static final long IDLE_POLL_MS = 1000;
    /** A cycle that did more than this may have taken a millisecond or more: the next one reads the clock anew. */
    private static final int LONG_CYCLE_WORK = 64;

    final OwnerThread owner;
    final LoopClock clock;
    final Poller poller;
    private final LoopReadiness readiness = new LoopReadiness(this);
    final Mailbox mailbox;
    private final Counter failures = new Counter();
    /** Where it logs its own cycles' failures (bugs in the kit), rate-limited. */
    private final FailureLog loopFailures = new FailureLog("loopwork.loop");
    private final Thread thread;
    /** Whether to drain and whether to stop: set by the kit, read each cycle. */
    final LoopControl control;
    /** This loop has begun its drain ({@link #onDrain}); owned by the loop. */
    private boolean drained;
    /** What the last cycle did: whether the clock read at its poll may still stand for now. */
    private int lastCycleWork = Integer.MAX_VALUE; // the first cycle reads it: the loop may start long after it is made

    EventLoop(String name, int mailboxCapacity, TransportFamily transport, Clock clock) throws IOException {
        control = new LoopControl();
        thread = new Thread(this, name);
        owner = new OwnerThread(thread);
        this.clock = new LoopClock(clock);
        poller = transport.newPoller(readiness);
        mailbox = new Mailbox(mailboxCapacity, owner, poller);
        failures.writer(thread);
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

    /** As its poll's wait ends, before what is ready is served (see {@link LoopReadiness}). */
    final void readClock() {
        clock.read();
    }

    /** Handles one mailbox message; the slot is released after it returns. */
    abstract void onMessage(SlotRing ring, long position);

    /** The listening socket has connections waiting; only accept loops have one. */
    void onAcceptable() {
        throw new IllegalStateException(name() + " has no listener");
    }

    /** The context {@code id} of accept loop {@code home}'s pool, for a ready event naming it. */
    abstract ConnectionContext context(int home, int id);

    /** The driver of the connections this loop serves, or null for a loop that serves none (a worker's blocking side). */
    ConnectionDriver driver() {
        return null;
    }

    /** The poller found {@code context}'s socket ready; only loops with a driver watch any (and virtual waits). */
    void onReady(ConnectionContext context, int ready) {
        driver().onReady(context, ready);
    }

    /** Fires what is due by {@code nowMs} (timers, queue timeouts); returns how many. */
    private int expireDue(long nowMs) {
        ConnectionDriver driver = driver();
        return driver == null ? 0 : driver.expireDue(nowMs);
    }

    /** Milliseconds until something is due, 0 if something is, -1 if nothing waits. */
    long delayToNext(long nowMs) {
        ConnectionDriver driver = driver();
        return driver == null ? -1 : driver.delayToNext(nowMs);
    }

    /** Once per cycle: the failure logs say how many they left unlogged, once a flood is over. */
    void reportSuppressed() {
        ConnectionDriver driver = driver();
        if (driver != null) {
            driver.failures.reportSuppressed();
        }
    }

    /** Closes whatever this loop still holds, on its thread, after the last cycle. */
    abstract void onClose();

    /** After the mailbox, what else others sent (a worker's virtual threads' hand-backs); how many. */
    int drainOthers() {
        return 0;
    }

    /** After each cycle's poll; nothing by default. */
    void afterPoll() {
    }

    /**
     * The kit drains: once, at the start of the first cycle after it asked. An accept loop takes what the kernel
     * queued and stops listening; a loop that serves connections tells each one's handler. Nothing by default.
     */
    void onDrain() {
    }

    public void start() {
        thread.start();
    }

    /** Any thread: asks the loop to drain, and wakes it to begin. */
    public void drain() {
        control.drain();
        poller.wakeup(); // once: the loop may be asleep in its poller for up to a second
    }

    /** Any thread: the loop ends after its current cycle, closing what it still serves. */
    public void stop() {
        control.stop();
        mailbox.close();
    }

    @Override
    public final void run() {
        try {
            while (!control.stopping()) {
                try {
                    doWork();
                } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError | OutOfMemoryError e) {
                    // A bug, not bad input (handlers' failures are caught around each call), or a class of the kit
                    // that could not load: say so, keep serving. A loop thread that ended would leave its
                    // listener's connections unanswered in a process that looks alive.
                    failures.increment();
                    if (loopFailures.tryAcquire()) {
                        loopFailures.log(name() + ": unexpected failure, loop continues", e);
                    }
                    ConnectionDriver driver = driver();
                    if (driver != null) {
                        driver.afterFailure(); // whatever handler call the failure cut short is over
                    }
                }
            }
        } finally {
            onClose(); // the poller stays open: a late waker may still write to its eventfd (see release)
        }
    }

    /** One cycle; returns how much it did. */
    final int doWork() {
        assert owner.isCurrent() : owner.notOwner("doWork");
        if (!drained && control.draining()) {
            drained = true;
            clock.read();
            onDrain();
        }
        int work = drainMailbox() + drainOthers();
        // Before a sleep the clock as of the last poll serves, unless that cycle was long: a loop that sleeps
        // after every few events would otherwise read the clock twice a cycle, 3% of a keep-alive load's
        // user time. A timer then fires late by at most the short cycle's length.
        long now = lastCycleWork > LONG_CYCLE_WORK ? clock.nowMs() : clock.cycleMs();
        long delay = work > 0 ? 0 : delayToNext(now); // 0: do not sleep
        if (delay == 0 || !mailbox.sleepIfEmpty()) {
            work += readiness.poll(poller, 0);
        } else {
            work += readiness.poll(poller, delay > 0 ? delay : IDLE_POLL_MS);
            mailbox.awake();
        }
        afterPoll();
        work += expireDue(clock.cycleMs());
        reportSuppressed();
        loopFailures.reportSuppressed();
        lastCycleWork = work;
        return work;
    }

    private int drainMailbox() {
        SlotRing ring = mailbox.ring;
        int done = 0;
        while (done < MAILBOX_BATCH) {
            long position = ring.peek();
            if (position < 0) {
                break;
            }
            if (done == 0) {
                // A message may start a timer (a connection arriving, a completion's handler): it counts from
                // now, not from a poll that may lie a long cycle back. Only cycles with mail pay for this read.
                clock.read();
            }
            try {
                onMessage(ring, position);
            } finally {
                ring.release(position);
            }
            done++;
        }
        return done;
    }
}
