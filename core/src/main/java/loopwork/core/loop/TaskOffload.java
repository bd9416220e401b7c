package loopwork.core.loop;

import loopwork.core.TaskPayload;
import loopwork.core.TaskType;
import loopwork.core.ring.SlotPayload;
import loopwork.core.ring.SlotRing;

/**
 * A loop's side of delegation: claims a slot in a worker's mailbox (round-robin, skipping full ones), lets
 * the handler fill a task into it in place, publishes it, and takes the completion back. The same claim
 * carries a connection handed off (to the worker's blocking side) or moved (to the worker's loop). With no
 * workers (an accept loop with {@code -w 0}) the task runs right here at commit, as the original does, and
 * its completion still comes through this loop's mailbox so the handler sees the same calls in the same
 * order.
 *
 * <p>A claim lives only as long as the handler call that opened it: one left open when the call returns
 * is given back ({@link #abortOpenClaim}). Work committed to a worker that has not started by the queue
 * timeout is taken back here ({@link #expireQueued}), and its connection told.
 *
 * <p>Not thread-safe: owned by its loop (an accept loop, or a worker's loop); every method asserts it.
 */
final class TaskOffload {

    private final IoScope scope;
    private final WorkerLoop[] workers;
    private final TaskType[] taskTypes;
    /** The loop whose mailbox room is reserved for each completion or return: the one this offload serves. */
    private final EventLoop reserving;
    /** Where completions go: -1 for an accept loop (the connection's home), else this worker loop's index. */
    private final int replyTo;
    private final ScopeCounters counters;
    private final long queueTimeoutMs;
    private final QueuedWork queued;
    private final SlotPayload payload = new SlotPayload();
    /** Separate from {@link #payload}: a handler may claim a new task while it reads a result. */
    private final SlotPayload result = new SlotPayload();
    private int nextWorker;

    // The open claim, between tryClaim and commit.
    private SlotRing claimedRing;
    private WorkerLoop claimedWorker;
    private long claimedPosition = -1;
    private ConnectionContext claimedBy;

    TaskOffload(IoScope scope, WorkerLoop[] workers, TaskType[] taskTypes, int replyTo, long queueTimeoutMs) {
        this.scope = scope;
        this.workers = workers;
        this.taskTypes = taskTypes;
        this.reserving = scope.loop;
        this.replyTo = replyTo;
        this.counters = scope.counters;
        this.queueTimeoutMs = queueTimeoutMs;
        this.queued = new QueuedWork(scope.loop.mailbox.capacity());
    }

    TaskPayload tryClaim(ConnectionContext context, int taskType) {
        assert reserving.inLoop() : reserving.notInLoop("TaskOffload.tryClaim");
        if (claimedPosition >= 0) {
            throw new IllegalStateException("a task claim is open: commit it first");
        }
        if (taskType < 0 || taskType >= taskTypes.length) {
            throw new IllegalArgumentException("unregistered task type " + taskType);
        }
        if (!reserving.reserve()) {
            counters.tasksRefused.increment();
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
            preferIdleWorker();
            for (int i = 0; i < workers.length; i++) {
                WorkerLoop worker = nextWorker();
                position = worker.mailbox.tryClaim();
                if (position >= 0) {
                    header(worker.mailbox, position, Messages.TASK, context, taskType);
                    return open(context, worker.mailbox, worker, position);
                }
            }
        }
        reserving.unreserve();
        counters.tasksRefused.increment();
        return null;
    }

    /**
     * Starts the round-robin at a worker with nothing to do, if one is: a task queued behind another's long
     * work would wait for it, and past the queue timeout be refused, while that worker sat idle.
     */
    private void preferIdleWorker() {
        for (int i = 0, at = nextWorker; i < workers.length; i++, at = at + 1 == workers.length ? 0 : at + 1) {
            if (workers[at].mailbox.backlog() == 0) {
                nextWorker = at;
                return;
            }
        }
    }

    private WorkerLoop nextWorker() {
        WorkerLoop worker = workers[nextWorker];
        nextWorker = nextWorker + 1 == workers.length ? 0 : nextWorker + 1;
        return worker;
    }

    private void header(SlotRing ring, long position, int kind, ConnectionContext context, int taskType) {
        ring.header(position, Messages.KIND, kind);
        ring.header(position, Messages.HOME, context.home.index);
        ring.header(position, Messages.CONNECTION, context.id());
        ring.header(position, Messages.TASK_TYPE, taskType);
        ring.header(position, Messages.REPLY_TO, replyTo);
        ring.state(position, Messages.queued(position));
    }

    private TaskPayload open(ConnectionContext context, SlotRing ring, WorkerLoop worker, long position) {
        claimedRing = ring;
        claimedWorker = worker;
        claimedPosition = position;
        claimedBy = context;
        return payload.wrap(ring, position);
    }

    void commit(ConnectionContext context) {
        assert reserving.inLoop() : reserving.notInLoop("TaskOffload.commit");
        if (claimedPosition < 0 || claimedBy != context) {
            throw new IllegalStateException("no task claimed by connection " + context.id());
        }
        if (claimedWorker == null) {
            runInline();
        } else {
            queued.add(claimedRing, claimedPosition, context, Messages.TASK, deadline());
            claimedRing.commit(claimedPosition);
            claimedWorker.wakeup();
        }
        context.tasksInFlight++;
        counters.tasksOffloaded.increment();
        closeClaim();
    }

    private long deadline() {
        return scope.loop.cycleMs() + queueTimeoutMs;
    }

    private void closeClaim() {
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
     * After a handler call on {@code context}: a claim it opened and did not commit (it threw between
     * claim and commit, or forgot) is given back, so that neither this loop's next claim nor the worker's
     * ring waits on it. The slot goes out as a message to skip.
     */
    void abortOpenClaim(ConnectionContext context) {
        assert reserving.inLoop() : reserving.notInLoop("TaskOffload.abortOpenClaim");
        if (claimedPosition < 0 || claimedBy != context) {
            return;
        }
        claimedRing.header(claimedPosition, Messages.KIND, Messages.NONE);
        claimedRing.commit(claimedPosition);
        if (claimedWorker != null) {
            claimedWorker.wakeup();
        }
        reserving.unreserve();
        counters.claimsAborted.increment();
        closeClaim();
    }

    /**
     * Claims a slot to carry {@code context} away, reserving room at home for its return: in a worker's
     * mailbox for a {@link Messages#HAND_OFF}, in its loop's for a {@link Messages#MOVE}. Only a connection
     * at home can leave. A connection keeps going to the same worker, where its selection keys already are,
     * unless that worker's slots are all taken.
     */
    boolean claimTransfer(ConnectionContext context, int kind) {
        assert reserving.inLoop() : reserving.notInLoop("TaskOffload.claimTransfer");
        if (workers.length == 0) {
            return false;
        }
        if (!reserving.reserve()) {
            counters.tasksRefused.increment();
            return false;
        }
        ConnectionTransfer transfer = context.transfer;
        if (transfer.worker < 0) {
            transfer.worker = nextWorker;
            nextWorker();
        }
        for (int i = 0; i < workers.length; i++) {
            int index = (transfer.worker + i) % workers.length;
            EventLoop to = kind == Messages.MOVE ? workers[index].loop() : workers[index];
            long position = to.mailbox.tryClaim();
            if (position >= 0) {
                header(to.mailbox, position, Messages.NONE, context, 0);
                transfer.worker = index;
                transfer.target = to;
                transfer.targetPosition = position;
                return true;
            }
        }
        reserving.unreserve();
        counters.tasksRefused.increment();
        return false;
    }

    /** A hand-off was just published: it too waits for its worker at most the queue timeout. */
    void handedOff(ConnectionContext context, SlotRing ring, long position) {
        assert reserving.inLoop() : reserving.notInLoop("TaskOffload.handedOff");
        queued.add(ring, position, context, Messages.HAND_OFF, deadline());
    }

    /** A completion from this loop's mailbox. */
    void onTaskDone(ConnectionContext context, SlotRing ring, long position) {
        assert reserving.inLoop() : reserving.notInLoop("TaskOffload.onTaskDone");
        int taskType = ring.header(position, Messages.TASK_TYPE);
        boolean ok = ring.header(position, Messages.STATUS) == Messages.TASK_OK;
        counters.tasksCompleted.increment();
        if (context.taskCompleted() || !context.isOpen()) {
            return; // closed meanwhile: the late completion only frees the context
        }
        context.taskDone(taskType, ok ? result.wrap(ring, position) : null);
    }

    /** Milliseconds until the oldest queued work's deadline (0 if due), or {@code timerDelay} if that comes first. */
    long delayToNextExpiry(long nowMs, long timerDelay) {
        assert reserving.inLoop() : reserving.notInLoop("TaskOffload.delayToNextExpiry");
        if (queued.isEmpty()) {
            return timerDelay;
        }
        long delay = Math.max(0, queued.firstDeadlineMs() - nowMs);
        return timerDelay < 0 ? delay : Math.min(timerDelay, delay);
    }

    /**
     * Takes back the work that waited for its worker past the queue timeout and has not started: the worker
     * will skip its slot, and the connection hears {@code onQueueTimeout} here. Returns how many.
     */
    int expireQueued(long nowMs) {
        assert reserving.inLoop() : reserving.notInLoop("TaskOffload.expireQueued");
        int expired = 0;
        while (!queued.isEmpty()) {
            if (!queued.firstStillQueued()) {
                queued.removeFirst(); // its worker took it up: its deadline need not wake this loop
                continue;
            }
            if (nowMs - queued.firstDeadlineMs() < 0) {
                break;
            }
            SlotRing ring = queued.firstRing();
            long position = queued.firstPosition();
            ConnectionContext context = queued.firstContext();
            int kind = queued.firstKind();
            queued.removeFirst();
            if (!ring.compareAndSetState(position, Messages.queued(position),
                    Messages.expired(position))) {
                continue; // its worker took it up in time
            }
            expired++;
            counters.queueTimeouts.increment();
            reserving.unreserve(); // nothing will come back for it
            if (kind == Messages.TASK) {
                context.taskExpired();
            } else {
                context.handOffExpired();
            }
        }
        return expired;
    }
}
