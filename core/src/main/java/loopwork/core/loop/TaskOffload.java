package loopwork.core.loop;

import loopwork.core.TaskPayload;
import loopwork.core.TaskType;
import loopwork.core.worker.Mailbox;
import loopwork.core.worker.SlotPayload;
import loopwork.core.worker.SlotRing;
import loopwork.core.worker.Worker;

/**
 * A loop's side of task delegation: claims a slot on a worker (round-robin, skipping full ones), lets the
 * handler fill it in place, publishes it, and takes completions back from the loop's mailbox. With no
 * workers the task runs right here on the loop at commit, as the original does with {@code -w 0}, and its
 * completion still goes through the mailbox so the handler sees the same sequence of calls.
 *
 * <p>Not thread-safe: owned by its event loop.
 */
final class TaskOffload {

    private final LoopResources loop;
    private final Worker[] workers;
    private final TaskType[] taskTypes;
    private final Mailbox mailbox;
    /** At most this many tasks in flight, so a worker always finds room in the mailbox to post "done". */
    private final int maxInFlight;
    private final SlotPayload payload = new SlotPayload();
    /** Separate from {@link #payload}: a handler may claim a new task while it reads a result. */
    private final SlotPayload result = new SlotPayload();
    private int inFlight;
    private int nextWorker;

    // The open claim, between tryClaim and commit.
    private SlotRing claimedRing;
    private Worker claimedWorker;
    private long claimedPosition = -1;
    private ConnectionContext claimedBy;
    private int claimedType;

    TaskOffload(LoopResources loop, Worker[] workers, TaskType[] taskTypes, Mailbox mailbox) {
        this.loop = loop;
        this.workers = workers;
        this.taskTypes = taskTypes;
        this.mailbox = mailbox;
        this.maxInFlight = mailbox.ring().capacity();
    }

    TaskPayload tryClaim(ConnectionContext context, int taskType) {
        if (claimedPosition >= 0) {
            throw new IllegalStateException("a task claim is open: commit it first");
        }
        if (taskType < 0 || taskType >= taskTypes.length) {
            throw new IllegalArgumentException("unregistered task type " + taskType);
        }
        if (inFlight >= maxInFlight) {
            loop.stats.tasksRefused.increment();
            return null;
        }
        if (workers.length == 0) {
            SlotRing ring = mailbox.ring();
            long position = ring.tryClaim(); // cannot fail below the in-flight cap
            ring.header(position, Mailbox.KIND, Mailbox.TASK_DONE);
            ring.header(position, Mailbox.CONNECTION, context.id());
            ring.header(position, Mailbox.TASK_TYPE, taskType);
            return open(context, taskType, ring, null, position);
        }
        for (int i = 0; i < workers.length; i++) {
            Worker worker = workers[nextWorker];
            nextWorker = nextWorker + 1 == workers.length ? 0 : nextWorker + 1;
            SlotRing ring = worker.inbox();
            long position = ring.tryClaim();
            if (position >= 0) {
                ring.header(position, Worker.OWNER_LOOP, loop.index);
                ring.header(position, Worker.CONNECTION, context.id());
                ring.header(position, Worker.TASK_TYPE, taskType);
                return open(context, taskType, ring, worker, position);
            }
        }
        loop.stats.tasksRefused.increment();
        return null;
    }

    private TaskPayload open(ConnectionContext context, int taskType, SlotRing ring, Worker worker, long position) {
        claimedRing = ring;
        claimedWorker = worker;
        claimedPosition = position;
        claimedBy = context;
        claimedType = taskType;
        return payload.wrap(ring, position);
    }

    void commit(ConnectionContext context) {
        if (claimedPosition < 0 || claimedBy != context) {
            throw new IllegalStateException("no task claimed by connection " + context.id());
        }
        if (claimedWorker == null) {
            runInline();
        } else {
            claimedRing.commit(claimedPosition);
            claimedWorker.signal();
        }
        inFlight++;
        context.tasksInFlight++;
        loop.stats.tasksOffloaded.increment();
        claimedPosition = -1;
        claimedRing = null;
        claimedWorker = null;
        claimedBy = null;
    }

    private void runInline() {
        int status = Mailbox.TASK_OK;
        try {
            taskTypes[claimedType].run(payload);
        } catch (InterruptedException e) {
            status = Mailbox.TASK_FAILED;
            Thread.currentThread().interrupt();
        } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
            status = Mailbox.TASK_FAILED;
        }
        claimedRing.header(claimedPosition, Mailbox.STATUS, status);
        claimedRing.commit(claimedPosition);
    }

    /** Takes back up to {@code limit} completions from the mailbox; returns how many. */
    int drainMailbox(int limit) {
        SlotRing ring = mailbox.ring();
        int done = 0;
        while (done < limit) {
            long position = ring.peek();
            if (position < 0) {
                break;
            }
            try {
                onTaskDone(ring, position);
            } finally {
                ring.release(position);
            }
            done++;
        }
        return done;
    }

    private void onTaskDone(SlotRing ring, long position) {
        ConnectionContext context = loop.pool.context(ring.header(position, Mailbox.CONNECTION));
        int taskType = ring.header(position, Mailbox.TASK_TYPE);
        boolean ok = ring.header(position, Mailbox.STATUS) == Mailbox.TASK_OK;
        inFlight--;
        loop.stats.tasksCompleted.increment();
        if (context.taskCompleted() || !context.isOpen()) {
            return; // closed meanwhile: the late completion only frees the context
        }
        context.beginCall();
        try {
            if (ok) {
                loop.handler.onTaskDone(context, taskType, result.wrap(ring, position));
            } else {
                loop.handler.onTaskFailed(context, taskType);
            }
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            loop.handlerFailed(context, e);
        }
        context.endCall();
        context.deliverPending();
    }

    int inFlight() {
        return inFlight;
    }
}
