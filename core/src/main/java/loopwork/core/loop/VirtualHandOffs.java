package loopwork.core.loop;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

import loopwork.core.transport.Poller;

/**
 * A worker's hand-offs on virtual threads ({@link loopwork.core.SyncThreads#VIRTUAL}): its pool of
 * {@link VirtualHandOff}s, made as hand-offs first need them and kept, and the hand-back stack through which
 * they give their connections back to the worker's blocking thread, which ends each hand-off
 * ({@link HandOff#end}) or watches the socket a virtual thread waits on, in its own poller, until it is ready
 * or the wait's time is up. The virtual threads run on the JDK's scheduler; a blocking read or write on one
 * parks it, never its carrier. How many there are is bounded by the connections away from their homes,
 * which the homes' mailboxes bound.
 *
 * <p>The stack is a Treiber stack of the virtual threads themselves: any number push, the worker takes all at
 * once, so it never fills and allocates nothing. A virtual thread is on it at most once, since it pushes itself
 * only when it gives its connection back, and waits for the worker before it touches either again.
 *
 * <p>Not thread-safe: owned by its worker's blocking thread, except {@link #push}.
 */
final class VirtualHandOffs implements Mailbox.OtherMail {

    private static final VarHandle HEAD;
    /** A stepped worker waits this long at most for a virtual thread to give its connection back. */
    private static final long STEPPED_WAIT_NS = 30_000_000_000L;

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(VirtualHandOffs.class, "head", VirtualHandOff.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final OwnerThread worker;
    /** The worker's loop poller: where it watches the sockets its virtual threads wait on. */
    private final Poller poller;
    private final LoopClock clock;
    private final Mailbox mailbox;
    /** The worker's own, which ends each hand-off. */
    private final HandOff ending;
    private final Function<VirtualHandOff, HandOff> handOffs;
    @SuppressWarnings("unused") // accessed through HEAD
    private volatile VirtualHandOff head;
    /** A thread waiting for a push other than the worker's running loop: a stepped worker, or one closing. */
    private volatile Thread waiter;
    private VirtualHandOff[] all = new VirtualHandOff[16];
    private int made;
    private VirtualHandOff[] free = new VirtualHandOff[16];
    private int freeCount;
    private VirtualHandOff[] waiting = new VirtualHandOff[16];
    private int waitingCount;
    private long nextDeadlineMs = Long.MAX_VALUE;

    /** @param handOffs makes a virtual thread's own {@link HandOff}, its session and poller with it */
    VirtualHandOffs(OwnerThread worker, Poller poller, LoopClock clock, Mailbox mailbox, HandOff ending,
            Function<VirtualHandOff, HandOff> handOffs) {
        this.worker = worker;
        this.poller = poller;
        this.clock = clock;
        this.mailbox = mailbox;
        this.ending = ending;
        this.handOffs = handOffs;
    }

    /** A hand-off: a virtual thread of the pool serves it from here. */
    void start(ConnectionContext context) {
        assert worker.isCurrent() && context.servedBy == null : context.notOwner("VirtualHandOffs.start");
        VirtualHandOff virtual = freeCount > 0 ? free[--freeCount] : make();
        context.servedBy = virtual.handOff;
        virtual.serve(context);
        awaitPushIfStepped(virtual);
    }

    private VirtualHandOff make() {
        VirtualHandOff virtual = new VirtualHandOff(this, made, worker.name() + "-virtual-" + made, handOffs);
        if (made == all.length) {
            all = Arrays.copyOf(all, made * 2);
            free = Arrays.copyOf(free, made * 2);
            waiting = Arrays.copyOf(waiting, made * 2);
        }
        all[made++] = virtual;
        virtual.thread.start();
        return virtual;
    }

    /** Any thread (a virtual one of this pool): gives its connection back to the worker, and wakes it. */
    void push(VirtualHandOff virtual) {
        VirtualHandOff top;
        do {
            top = head;
            virtual.next = top;
        } while (!HEAD.compareAndSet(this, top, virtual));
        mailbox.wakeup();
        Thread waiting = waiter;
        if (waiting != null) {
            LockSupport.unpark(waiting);
        }
    }

    /** Whether a virtual thread gave a connection back since the last {@link #takeBack}: the worker must not sleep. */
    @Override
    public boolean waiting() {
        return head != null;
    }

    /** Takes in what the virtual threads gave back: ends their hand-offs, or watches for their waits; how many. */
    int takeBack(boolean stopping) {
        assert worker.isCurrent() : worker.notOwner("VirtualHandOffs.takeBack");
        VirtualHandOff virtual = (VirtualHandOff) HEAD.getAndSet(this, null);
        int taken = 0;
        while (virtual != null) {
            VirtualHandOff next = virtual.next;
            virtual.next = null;
            if (virtual.request == VirtualHandOff.DONE) {
                ConnectionContext context = virtual.context;
                virtual.context = null;
                free[freeCount++] = virtual;
                ending.end(context, virtual.handOff, virtual.keep);
            } else if (stopping) {
                answer(virtual, BlockingSession.STOPPED);
            } else {
                watch(virtual);
            }
            virtual = next;
            taken++;
        }
        return taken;
    }

    private void watch(VirtualHandOff virtual) {
        ConnectionContext context = virtual.context;
        if (!poller.watch(context.home, context.id, virtual.operation)) {
            answer(virtual, BlockingSession.UNWATCHABLE);
            return;
        }
        virtual.deadlineMs = clock.nowMs() + Math.max(1, (virtual.limitNanos + 999_999) / 1_000_000);
        nextDeadlineMs = Math.min(nextDeadlineMs, virtual.deadlineMs);
        virtual.waitIndex = waitingCount;
        waiting[waitingCount++] = virtual;
    }

    /** The worker's poller found ready the connection a virtual thread waits on. */
    void onReady(ConnectionContext context) {
        VirtualHandOff virtual = all[((HandOff) context.servedBy).poolIndex];
        if (virtual.waitIndex >= 0) {
            answer(virtual, BlockingSession.READY);
        }
    }

    /** Ends, as timed out, the waits due by now; how many. Reads the clock only while a wait is on. */
    int expire(LoopClock now) {
        if (waitingCount == 0) {
            return 0;
        }
        long nowMs = now.nowMs();
        if (nowMs < nextDeadlineMs) {
            return 0;
        }
        int expired = 0;
        nextDeadlineMs = Long.MAX_VALUE;
        for (int i = waitingCount - 1; i >= 0; i--) {
            VirtualHandOff virtual = waiting[i];
            if (virtual.deadlineMs <= nowMs) {
                answer(virtual, BlockingSession.TIMED_OUT);
                expired++;
            } else {
                nextDeadlineMs = Math.min(nextDeadlineMs, virtual.deadlineMs);
            }
        }
        return expired;
    }

    /** Milliseconds until a wait is due, -1 if none waits. */
    long delayToNext(long nowMs) {
        return waitingCount == 0 ? -1 : Math.max(0, nextDeadlineMs - nowMs);
    }

    /** Ends a wait: the worker stops watching (if it did) and the virtual thread has the connection again. */
    private void answer(VirtualHandOff virtual, int outcome) {
        int index = virtual.waitIndex;
        if (index >= 0) {
            ConnectionContext context = virtual.context;
            poller.unwatch(context.home, context.id);
            VirtualHandOff last = waiting[--waitingCount];
            waiting[index] = last;
            last.waitIndex = index;
            waiting[waitingCount] = null;
            virtual.waitIndex = -1;
        }
        virtual.answer(outcome);
        awaitPushIfStepped(virtual);
    }

    /**
     * A stepped worker (its thread never started: a {@link loopwork.core.ManualKit}) waits for the virtual thread
     * it just woke to give its connection back, so that a step runs the handler as far as the platform setting
     * would, and what a test sees does not depend on scheduling. That one: another's push may be there already,
     * not yet taken back.
     */
    private void awaitPushIfStepped(VirtualHandOff woken) {
        if (worker.thread().getState() == Thread.State.NEW) {
            awaitPush(woken, System.nanoTime() + STEPPED_WAIT_NS);
        }
    }

    /** Waits until {@code expected} (null: any one) is on the stack, or {@code deadlineNs}; whether it is. */
    private boolean awaitPush(VirtualHandOff expected, long deadlineNs) {
        waiter = Thread.currentThread();
        try {
            while (!pushed(expected)) {
                long left = deadlineNs - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                LockSupport.parkNanos(this, left);
                if (Thread.currentThread().isInterrupted()) {
                    return pushed(expected);
                }
            }
            return true;
        } finally {
            waiter = null;
        }
    }

    /** Whether {@code virtual} (null: any) is on the stack; a node's next was written before its push published it. */
    private boolean pushed(VirtualHandOff virtual) {
        for (VirtualHandOff on = head; on != null; on = on.next) {
            if (virtual == null || on == virtual) {
                return true;
            }
        }
        return false;
    }

    /**
     * The worker stopped, on its thread: the waits end as stopped, the handlers still running see the stop in
     * their next read, write or wait, and their hand-offs end; then the idle threads end. An interrupt of the
     * worker (the kit's last resort, {@code ThreadStop}) goes on to the virtual threads still serving.
     */
    void close() {
        assert worker.isCurrent() : worker.notOwner("VirtualHandOffs.close");
        while (waitingCount > 0) {
            answer(waiting[waitingCount - 1], BlockingSession.STOPPED);
        }
        boolean interrupted = false;
        while (freeCount < made) {
            takeBack(true);
            if (freeCount < made && !awaitPush(null, System.nanoTime() + STEPPED_WAIT_NS) && Thread.interrupted()) {
                interrupted = true;
                for (int i = 0; i < made; i++) {
                    all[i].thread.interrupt(); // an idle one clears it before its next hand-off
                }
            }
        }
        for (int i = 0; i < made; i++) {
            all[i].retire();
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
