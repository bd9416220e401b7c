package loopwork.core.worker;

/**
 * The only way into an event loop from another thread: a {@link SlotRing} of small messages plus one
 * wake-up of the loop's selector per sleep. Workers post completions here; the loop drains it at the
 * start of each cycle.
 *
 * <p>Thread-safe for producers ({@link #postTaskDone}); the consumer side of {@link #ring()} is owned by
 * the loop.
 */
public final class Mailbox {

    /** Header fields of a message. */
    public static final int KIND = 0;
    public static final int CONNECTION = 1;
    public static final int TASK_TYPE = 2;
    public static final int STATUS = 3;

    /** Message kinds. */
    public static final int TASK_DONE = 1;

    /** {@link #STATUS} of a task that ran to the end, and of one that threw. */
    public static final int TASK_OK = 0;
    public static final int TASK_FAILED = 1;

    /** Wakes the owning loop if it sleeps; called after every post, cheap when the loop is awake. */
    public interface Waker {
        void wakeup();
    }

    private final SlotRing ring;
    private final Waker waker;

    public Mailbox(int capacity, Waker waker) {
        this.ring = new SlotRing(capacity);
        this.waker = waker;
    }

    public SlotRing ring() {
        return ring;
    }

    /**
     * Posts "task done" with its result payload. The loop caps its tasks in flight at this mailbox's
     * capacity, so a slot is always free; the spin covers only a producer that claimed but has not yet
     * committed, and is bounded by that.
     */
    public void postTaskDone(int connection, int taskType, int status, SlotPayload result) {
        long position;
        while ((position = ring.tryClaim()) < 0) {
            Thread.onSpinWait();
        }
        ring.header(position, KIND, TASK_DONE);
        ring.header(position, CONNECTION, connection);
        ring.header(position, TASK_TYPE, taskType);
        ring.header(position, STATUS, status);
        result.copyTo(ring, position);
        ring.commit(position);
        waker.wakeup();
    }
}
