package loopwork.core.loop;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.Consumer;

import loopwork.core.ring.SlotPayload;
import loopwork.core.ring.SlotRing;

/**
 * An agent with a selector and a mailbox: each cycle drains the mailbox, selects, and fires due timers;
 * it sleeps in {@code select} only when there is nothing else to do. Accept loops and workers are both this.
 *
 * <p>Not thread-safe: owned by its thread. Other threads may call {@link #wakeup()}, {@link #stop()},
 * {@link #mailbox()} (to claim, fill and commit a message) and {@link #post}.
 */
abstract class SelectorLoop implements Runnable {

    private static final int MAILBOX_BATCH = 256;
    private static final long IDLE_SELECT_MS = 1000;
    private static final VarHandle SLEEPING;

    static {
        try {
            SLEEPING = MethodHandles.lookup().findVarHandle(SelectorLoop.class, "sleeping", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final Selector selector;
    final SlotRing mailbox;
    final Consumer<SelectionKey> onSelected = this::onSelected;
    private final loopwork.core.metrics.Counter failures = new loopwork.core.metrics.Counter();
    private final Thread thread;
    private volatile boolean running = true;
    @SuppressWarnings("unused") // accessed through SLEEPING
    private volatile boolean sleeping;

    SelectorLoop(String name, int mailboxCapacity) throws IOException {
        selector = Selector.open();
        mailbox = new SlotRing(mailboxCapacity);
        thread = new Thread(this, name);
    }

    static long nowMs() {
        return System.nanoTime() / 1_000_000;
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

    abstract void onSelected(SelectionKey key);

    /** Closes whatever this loop still holds, on its thread, after the last cycle. */
    abstract void onClose();

    /** After each cycle's select; nothing by default. */
    void afterSelect() {
    }

    public void start() {
        thread.start();
    }

    /** Wakes the loop if it sleeps in select: a syscall, so only once per sleep. */
    final void wakeup() {
        if ((boolean) SLEEPING.getVolatile(this) && SLEEPING.compareAndSet(this, true, false)) {
            selector.wakeup();
        }
    }

    public void stop() {
        running = false;
        selector.wakeup();
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
                    System.err.println(name() + ": unexpected failure, loop continues: " + e);
                    e.printStackTrace();
                }
            }
        } finally {
            onClose();
            try {
                selector.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    /** One cycle; returns how much it did. */
    final int doWork() {
        int work = drainMailbox();
        try {
            long timerDelay = work > 0 ? 0 : scope().timers.delayToNext(nowMs()); // 0: do not sleep
            if (timerDelay == 0) {
                work += selector.selectNow(onSelected);
            } else {
                SLEEPING.setVolatile(this, true);
                // Re-check after announcing the sleep: a message posted before the flag was visible would not wake us.
                if (!mailbox.isEmpty() || !running) {
                    SLEEPING.setVolatile(this, false);
                    work += selector.selectNow(onSelected);
                } else {
                    work += selector.select(onSelected, timerDelay > 0 ? timerDelay : IDLE_SELECT_MS);
                    SLEEPING.setVolatile(this, false);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("selector failed in " + name(), e);
        }
        afterSelect();
        return work + scope().timers.expire(nowMs());
    }

    private int drainMailbox() {
        int done = 0;
        while (done < MAILBOX_BATCH) {
            long position = mailbox.peek();
            if (position < 0) {
                break;
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
     * owed to it at its mailbox's capacity), so the spin only waits out producers that claimed before us.
     */
    final void post(int kind, int home, int connection, int taskType, int status, SlotPayload payload) {
        long position;
        while ((position = mailbox.tryClaim()) < 0) {
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
