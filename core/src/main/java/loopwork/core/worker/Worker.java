package loopwork.core.worker;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

import loopwork.core.TaskType;

/**
 * A worker thread: runs the tasks that loops publish into its slots, one after another, and posts each
 * completion, with the task's result payload, to the owning loop's {@link Mailbox}.
 *
 * <p>Not thread-safe: owned by its worker thread. Other threads may call {@link #inbox()} (to claim and
 * commit slots), {@link #signal()}, {@link #stop()} and the stats getters.
 */
public final class Worker implements Runnable {

    /** Header fields of a task slot. */
    public static final int OWNER_LOOP = 0;
    public static final int CONNECTION = 1;
    public static final int TASK_TYPE = 2;

    private static final VarHandle PARKED;

    static {
        try {
            PARKED = MethodHandles.lookup().findVarHandle(Worker.class, "parked", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int index;
    private final SlotRing inbox;
    private final TaskType[] taskTypes;
    private final Mailbox[] loopMailboxes;
    private final SlotPayload payload = new SlotPayload();
    private final WorkerStats stats = new WorkerStats();
    private final Thread thread;
    private volatile boolean running = true;
    @SuppressWarnings("unused") // accessed through PARKED
    private volatile boolean parked;

    public Worker(int index, int slots, TaskType[] taskTypes, Mailbox[] loopMailboxes) {
        this.index = index;
        this.inbox = new SlotRing(slots);
        this.taskTypes = taskTypes;
        this.loopMailboxes = loopMailboxes;
        this.thread = new Thread(this, "loopwork-worker-" + index);
    }

    public int index() {
        return index;
    }

    public SlotRing inbox() {
        return inbox;
    }

    public WorkerStats stats() {
        return stats;
    }

    public Thread thread() {
        return thread;
    }

    public void start() {
        stats.threadId(thread.threadId());
        thread.start();
    }

    /** Called by a loop after it committed a task: unparks the worker if it sleeps, at most once per sleep. */
    public void signal() {
        if ((boolean) PARKED.getVolatile(this) && PARKED.compareAndSet(this, true, false)) {
            LockSupport.unpark(thread);
        }
    }

    /** Asks the worker to finish: the task running now is interrupted, queued ones are still completed as failed. */
    public void stop() {
        running = false;
        thread.interrupt();
    }

    @Override
    public void run() {
        while (running) {
            if (doWork() == 0) {
                idle();
            }
        }
        // Whatever is still queued completes as failed, so every loop gets each of its contexts back.
        while (doWork() > 0) {
            Thread.onSpinWait();
        }
    }

    /** Runs the next task if there is one; returns how many ran (0 or 1). */
    int doWork() {
        long position = inbox.peek();
        if (position < 0) {
            return 0;
        }
        int owner = inbox.header(position, OWNER_LOOP);
        int connection = inbox.header(position, CONNECTION);
        int type = inbox.header(position, TASK_TYPE);
        int status = Mailbox.TASK_OK;
        try {
            if (!running) {
                status = Mailbox.TASK_FAILED;
            } else {
                taskTypes[type].run(payload.wrap(inbox, position));
            }
        } catch (InterruptedException e) {
            status = Mailbox.TASK_FAILED; // stop() interrupted it; the flag is cleared by the throw
        } catch (Exception | LinkageError | AssertionError e) {
            status = Mailbox.TASK_FAILED;
            stats.failed();
        }
        loopMailboxes[owner].postTaskDone(connection, type, status, payload.wrap(inbox, position));
        inbox.release(position);
        stats.ran();
        return 1;
    }

    private void idle() {
        PARKED.setVolatile(this, true);
        // Re-check after announcing the sleep: a task committed before the flag was visible would not signal.
        if (inbox.isEmpty() && running) {
            LockSupport.park(this);
        }
        PARKED.setVolatile(this, false);
    }
}
