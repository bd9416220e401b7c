package loopwork.core.loop;

import loopwork.core.TaskPayload;
import loopwork.core.TaskType;
import loopwork.core.ring.SlotPayload;
import loopwork.core.ring.SlotRing;

/**
 * A loop's side of delegation: claims a slot in a worker's mailbox (round-robin, preferring an idle worker,
 * skipping full ones), lets the handler fill a task into it in place, publishes it, and takes the completion
 * back. The same kind of claim carries a connection handed off (to the worker's blocking side) or moved (to the
 * worker's loop). With no workers (an accept loop with {@code -w 0}) the task runs right here at commit, as the
 * original does, and its completion still comes through this loop's mailbox so the handler sees the same calls
 * in the same order.
 *
 * <p>A claim lives only as long as the handler call that opened it: one left open when the call returns is
 * given back ({@link #abortOpenClaim}). Work committed to a worker that has not started by the queue timeout
 * is taken back here ({@link #expireQueued}), and its connection told through {@link Expired}.
 *
 * <p>Not thread-safe: owned by its loop (an accept loop, or a worker's loop); every method asserts it.
 */
final class TaskOffload {

    /** Where work the queue timeout took back is told to its connection. */
    interface Expired {
        void taskExpired(ConnectionContext context);

        void handOffExpired(ConnectionContext context);
    }

    private final OwnerThread owner;
    private final LoopClock clock;
    /** The workers' blocking sides, for tasks and hand-offs; empty with no workers. */
    private final Mailbox[] workers;
    /** The workers' loops, for moves; parallel to {@link #workers}. */
    private final Mailbox[] workerLoops;
    private final TaskType[] taskTypes;
    /** This loop's mailbox: room is reserved there for each completion or return; with no workers, tasks run in it. */
    private final Mailbox own;
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
    private Mailbox claimedWorker;
    private long claimedPosition = -1;
    private ConnectionContext claimedBy;

    TaskOffload(OwnerThread owner, LoopClock clock, Mailbox own, Mailbox[] workers, Mailbox[] workerLoops,
            TaskType[] taskTypes, int replyTo, long queueTimeoutMs, ScopeCounters counters) {
        this.owner = owner;
        this.clock = clock;
        this.own = own;
        this.workers = workers;
        this.workerLoops = workerLoops;
        this.taskTypes = taskTypes;
        this.replyTo = replyTo;
        this.counters = counters;
        this.queueTimeoutMs = queueTimeoutMs;
        this.queued = new QueuedWork(own.capacity());
    }

    /** A slot on {@code worker}'s blocking side, or on any (the idlest first) when it is -1. */
    TaskPayload tryClaim(ConnectionContext context, int taskType, int worker) {
        assert owner.isCurrent() : owner.notOwner("TaskOffload.tryClaim");
        if (claimedPosition >= 0) {
            throw new IllegalStateException("a task claim is open: commit it first");
        }
        if (taskType < 0 || taskType >= taskTypes.length) {
            throw new IllegalArgumentException("unregistered task type " + taskType);
        }
        if (worker >= workers.length && workers.length > 0) {
            throw new IllegalArgumentException("worker " + worker + " of " + workers.length);
        }
        if (!own.reserve()) {
            counters.tasksRefused.increment();
            return null;
        }
        long position;
        if (workers.length == 0) {
            position = own.ring.tryClaim();
            if (position >= 0) {
                header(own.ring, position, Messages.TASK_DONE, context, taskType);
                return open(context, own.ring, null, position);
            }
        } else if (worker >= 0) {
            position = workers[worker].ring.tryClaim();
            if (position >= 0) {
                header(workers[worker].ring, position, Messages.TASK, context, taskType);
                return open(context, workers[worker].ring, workers[worker], position);
            }
        } else {
            preferIdleWorker();
            for (int i = 0; i < workers.length; i++) {
                Mailbox to = workers[nextWorker()];
                position = to.ring.tryClaim();
                if (position >= 0) {
                    header(to.ring, position, Messages.TASK, context, taskType);
                    return open(context, to.ring, to, position);
                }
            }
        }
        own.unreserve();
        counters.tasksRefused.increment();
        return null;
    }

    /**
     * Starts the round-robin at a worker with nothing to do, if one is: a task queued behind another's long
     * work would wait for it, and past the queue timeout be refused, while that worker sat idle.
     */
    private void preferIdleWorker() {
        for (int i = 0, at = nextWorker; i < workers.length; i++, at = at + 1 == workers.length ? 0 : at + 1) {
            if (workers[at].ring.backlog() == 0) {
                nextWorker = at;
                return;
            }
        }
    }

    private int nextWorker() {
        int worker = nextWorker;
        nextWorker = nextWorker + 1 == workers.length ? 0 : nextWorker + 1;
        return worker;
    }

    private void header(SlotRing ring, long position, int kind, ConnectionContext context, int taskType) {
        ring.header(position, Messages.KIND, kind);
        ring.header(position, Messages.HOME, context.home);
        ring.header(position, Messages.CONNECTION, context.id);
        ring.header(position, Messages.TASK_TYPE, taskType);
        ring.header(position, Messages.REPLY_TO, replyTo);
        ring.state(position, Messages.queued(position));
    }

    private TaskPayload open(ConnectionContext context, SlotRing ring, Mailbox worker, long position) {
        claimedRing = ring;
        claimedWorker = worker;
        claimedPosition = position;
        claimedBy = context;
        return payload.wrap(ring, position);
    }

    void commit(ConnectionContext context) {
        assert owner.isCurrent() : owner.notOwner("TaskOffload.commit");
        if (claimedPosition < 0 || claimedBy != context) {
            throw new IllegalStateException("no task claimed by connection " + context.id);
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
        return clock.cycleMs() + queueTimeoutMs;
    }

    private void closeClaim() {
        claimedPosition = -1;
        claimedRing = null;
        claimedWorker = null;
        claimedBy = null;
    }

    private void runInline() {
        int type = claimedRing.header(claimedPosition, Messages.TASK_TYPE);
        claimedRing.header(claimedPosition, Messages.STATUS, TaskRunner.run(taskTypes[type], payload));
        claimedRing.commit(claimedPosition);
    }

    /**
     * After a handler call on {@code context}: a claim it opened and did not commit (it threw between
     * claim and commit, or forgot) is given back, so that neither this loop's next claim nor the worker's
     * ring waits on it. The slot goes out as a message to skip.
     */
    void abortOpenClaim(ConnectionContext context) {
        assert owner.isCurrent() : owner.notOwner("TaskOffload.abortOpenClaim");
        if (claimedPosition < 0 || claimedBy != context) {
            return;
        }
        claimedRing.header(claimedPosition, Messages.KIND, Messages.NONE);
        claimedRing.commit(claimedPosition);
        if (claimedWorker != null) {
            claimedWorker.wakeup();
        }
        own.unreserve();
        counters.claimsAborted.increment();
        closeClaim();
    }

    /**
     * Claims a slot to carry {@code context} away, reserving room at home for its return: in a worker's
     * mailbox for a {@link Messages#HAND_OFF}, in its loop's for a {@link Messages#MOVE}; the slot is the
     * context's ({@link ConnectionContext#tripTarget}) until the trip is taken or cancelled. A connection keeps
     * going to the same worker, where its selection keys already are, unless that worker's slots are all taken.
     */
    boolean claimTrip(ConnectionContext context, int kind) {
        assert owner.isCurrent() : owner.notOwner("TaskOffload.claimTrip");
        if (workers.length == 0) {
            return false;
        }
        if (!own.reserve()) {
            counters.tasksRefused.increment();
            return false;
        }
        if (context.worker < 0) {
            context.worker = nextWorker();
        }
        for (int i = 0; i < workers.length; i++) {
            int index = (context.worker + i) % workers.length;
            Mailbox to = kind == Messages.MOVE ? workerLoops[index] : workers[index];
            long position = to.ring.tryClaim();
            if (position >= 0) {
                header(to.ring, position, Messages.NONE, context, 0);
                context.worker = index;
                context.tripTarget = to;
                context.tripPosition = position;
                return true;
            }
        }
        own.unreserve();
        counters.tasksRefused.increment();
        return false;
    }

    /** The trip claimed for {@code context} is not taken (it closes): its slot goes out to skip, the room back. */
    void cancelTrip(ConnectionContext context) {
        assert owner.isCurrent() : owner.notOwner("TaskOffload.cancelTrip");
        context.tripTarget.ring.commit(context.tripPosition);
        context.tripTarget = null;
        context.tripPosition = -1;
        own.unreserve();
    }

    /** A hand-off was just published: it too waits for its worker at most the queue timeout. */
    void handedOff(ConnectionContext context, SlotRing ring, long position) {
        assert owner.isCurrent() : owner.notOwner("TaskOffload.handedOff");
        queued.add(ring, position, context, Messages.HAND_OFF, deadline());
    }

    /**
     * A completion from this loop's mailbox: the result to show the handler (null for a failed task), valid
     * until the message is released. {@link ConnectionContext#tasksInFlight} counts it down.
     */
    TaskPayload completed(ConnectionContext context, SlotRing ring, long position) {
        assert owner.isCurrent() : owner.notOwner("TaskOffload.completed");
        counters.tasksCompleted.increment();
        context.tasksInFlight--;
        return ring.header(position, Messages.STATUS) == Messages.TASK_OK ? result.wrap(ring, position) : null;
    }

    /** Milliseconds until the oldest queued work's deadline (0 if due), or {@code timerDelay} if that comes first. */
    long delayToNextExpiry(long nowMs, long timerDelay) {
        assert owner.isCurrent() : owner.notOwner("TaskOffload.delayToNextExpiry");
        if (queued.isEmpty()) {
            return timerDelay;
        }
        long delay = Math.max(0, queued.firstDeadlineMs() - nowMs);
        return timerDelay < 0 ? delay : Math.min(timerDelay, delay);
    }

    /**
     * Takes back the work that waited for its worker past the queue timeout and has not started: the worker
     * will skip its slot, and {@code expired} tells the connection. Returns how many.
     */
    int expireQueued(long nowMs, Expired expired) {
        assert owner.isCurrent() : owner.notOwner("TaskOffload.expireQueued");
        int count = 0;
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
            if (!ring.compareAndSetState(position, Messages.queued(position), Messages.expired(position))) {
                continue; // its worker took it up in time
            }
            count++;
            counters.queueTimeouts.increment();
            own.unreserve(); // nothing will come back for it
            if (kind == Messages.TASK) {
                context.tasksInFlight--;
                expired.taskExpired(context);
            } else {
                expired.handOffExpired(context);
            }
        }
        return count;
    }
}
