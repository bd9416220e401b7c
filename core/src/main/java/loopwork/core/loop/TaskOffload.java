package loopwork.core.loop;

import loopwork.core.TaskPayload;
import loopwork.core.TaskType;
import loopwork.core.ring.SlotPayload;
import loopwork.core.ring.SlotRing;

/**
 * A loop's side of delegation: claims a slot in a worker's mailbox (round-robin, skipping full ones), lets
 * the handler fill a task into it in place, publishes it, and takes the completion back. The same claim
 * carries a connection handed off or moved to a worker. With no workers (an accept loop with {@code -w 0},
 * or a worker serving a moved connection) the task runs right here at commit, as the original does, and
 * its completion still comes through this loop's mailbox so the handler sees the same calls in the same
 * order.
 *
 * <p>Not thread-safe: owned by its loop.
 */
final class TaskOffload {

    private final IoScope scope;
    private final WorkerLoop[] workers;
    private final TaskType[] taskTypes;
    /** The accept loop whose mailbox room is reserved for each completion or return; null on a worker. */
    private final AcceptLoop reserving;
    private final SlotPayload payload = new SlotPayload();
    /** Separate from {@link #payload}: a handler may claim a new task while it reads a result. */
    private final SlotPayload result = new SlotPayload();
    private int nextWorker;

    // The open claim, between tryClaim and commit.
    private SlotRing claimedRing;
    private WorkerLoop claimedWorker;
    private long claimedPosition = -1;
    private ConnectionContext claimedBy;

    TaskOffload(IoScope scope, WorkerLoop[] workers, TaskType[] taskTypes) {
        this.scope = scope;
        this.workers = workers;
        this.taskTypes = taskTypes;
        this.reserving = scope.loop instanceof AcceptLoop home ? home : null;
    }

    TaskPayload tryClaim(ConnectionContext context, int taskType) {
        if (claimedPosition >= 0) {
            throw new IllegalStateException("a task claim is open: commit it first");
        }
        if (taskType < 0 || taskType >= taskTypes.length) {
            throw new IllegalArgumentException("unregistered task type " + taskType);
        }
        if (reserving != null && !reserving.reserve()) {
            refused();
            return null;
        }
        long position;
        if (workers.length == 0) {
            SlotRing own = scope.loop.mailbox;
            position = own.tryClaim();
            if (position >= 0) {
                header(own, position, Messages.TASK_DONE, context, taskType);
                return open(context, own, null, position);
            }
        } else {
            for (int i = 0; i < workers.length; i++) {
                WorkerLoop worker = nextWorker();
                position = worker.mailbox.tryClaim();
                if (position >= 0) {
                    header(worker.mailbox, position, Messages.TASK, context, taskType);
                    return open(context, worker.mailbox, worker, position);
                }
            }
        }
        if (reserving != null) {
            reserving.unreserve();
        }
        refused();
        return null;
    }

    private void refused() {
        if (reserving != null) {
            reserving.stats.tasksRefused.increment();
        }
    }

    private WorkerLoop nextWorker() {
        WorkerLoop worker = workers[nextWorker];
        nextWorker = nextWorker + 1 == workers.length ? 0 : nextWorker + 1;
        return worker;
    }

    private static void header(SlotRing ring, long position, int kind, ConnectionContext context, int taskType) {
        ring.header(position, Messages.KIND, kind);
        ring.header(position, Messages.HOME, context.home.index);
        ring.header(position, Messages.CONNECTION, context.id());
        ring.header(position, Messages.TASK_TYPE, taskType);
    }

    private TaskPayload open(ConnectionContext context, SlotRing ring, WorkerLoop worker, long position) {
        claimedRing = ring;
        claimedWorker = worker;
        claimedPosition = position;
        claimedBy = context;
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
            claimedWorker.wakeup();
        }
        context.tasksInFlight++;
        if (reserving != null) {
            reserving.stats.tasksOffloaded.increment();
        }
        claimedPosition = -1;
        claimedRing = null;
        claimedWorker = null;
        claimedBy = null;
    }

    private void runInline() {
        int type = claimedRing.header(claimedPosition, Messages.TASK_TYPE);
        claimedRing.header(claimedPosition, Messages.STATUS, WorkerLoop.run(taskTypes[type], payload));
        claimedRing.commit(claimedPosition);
    }

    /**
     * Claims a worker slot to carry {@code context} away (hand-off or move), reserving room at home for its
     * return. Only a connection at home can leave. A connection keeps going to the same worker, where its
     * selection keys already are, unless that worker's slots are all taken.
     */
    boolean claimTransfer(ConnectionContext context) {
        if (reserving == null || workers.length == 0 || !reserving.reserve()) {
            return false;
        }
        ConnectionTransfer transfer = context.transfer;
        if (transfer.worker < 0) {
            transfer.worker = nextWorker;
            nextWorker();
        }
        for (int i = 0; i < workers.length; i++) {
            int index = (transfer.worker + i) % workers.length;
            WorkerLoop worker = workers[index];
            long position = worker.mailbox.tryClaim();
            if (position >= 0) {
                header(worker.mailbox, position, Messages.NONE, context, 0);
                transfer.worker = index;
                transfer.target = worker;
                transfer.targetPosition = position;
                return true;
            }
        }
        reserving.unreserve();
        return false;
    }

    /** A completion from this loop's mailbox. */
    void onTaskDone(ConnectionContext context, SlotRing ring, long position) {
        int taskType = ring.header(position, Messages.TASK_TYPE);
        boolean ok = ring.header(position, Messages.STATUS) == Messages.TASK_OK;
        if (reserving != null) {
            reserving.stats.tasksCompleted.increment();
        }
        if (context.taskCompleted() || !context.isOpen()) {
            return; // closed meanwhile: the late completion only frees the context
        }
        context.taskDone(taskType, ok ? result.wrap(ring, position) : null);
    }
}
