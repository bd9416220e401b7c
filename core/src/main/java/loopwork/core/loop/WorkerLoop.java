package loopwork.core.loop;

import java.io.IOException;
import java.io.PrintStream;
import loopwork.core.ConnectionHandler;
import loopwork.core.HandOffLimits;
import loopwork.core.TaskPayload;
import loopwork.core.TaskType;
import loopwork.core.ring.SlotPayload;
import loopwork.core.ring.SlotRing;
import loopwork.core.transport.Poller;
import loopwork.core.transport.TransportFamily;

/**
 * A worker thread, the side of a worker that may block. Its mailbox is its task slots: loops claim a slot,
 * write a task (or a connection handed off) into it in place, and publish it. It runs each task in its slot
 * and posts the completion, with the result payload, to the loop that offloaded it; and serves a
 * handed-off connection with blocking I/O until its handler is done. One thing at a time: a long task
 * delays what queues behind it here, never a loop, and never the connections moved to this worker, which
 * its own {@link AsyncLoop} serves on another thread. Work that waited past the queue timeout was taken
 * back by its loop, and is skipped.
 *
 * <p>Not thread-safe: owned by its worker thread. Other threads may claim and commit slots in its mailbox,
 * call {@link #wakeup()}, {@link #stop()} and {@link #stats()}.
 */
public final class WorkerLoop extends EventLoop {

    private final WorkerStats stats = new WorkerStats();
    private final IoScope scope;
    private final TaskType[] taskTypes;
    private final BlockingSession session;
    private final AsyncLoop loop;
    /** The flyweight over the task running now, in its slot. */
    private final SlotPayload payload = new SlotPayload();
    /** Where a blocking handler waits for its connection to be readable or writable. */
    private final Poller blockingPoller;
    private AcceptLoop[] homes;
    private final WorkerLoop[] workers;

    /**
     * @param workers all workers, this one included, filled in before any thread starts: where this worker's
     *                loop sends the tasks of connections moved to it
     */
    public WorkerLoop(int index, int slots, int mailboxCapacity, WorkerLoop[] workers, TaskType[] taskTypes,
            ConnectionHandler blockingHandler, ConnectionHandler loopHandler, int inputCapacity, int outputCapacity,
            TransportFamily transport, HandOffLimits handOffLimits, long queueTimeoutMs, PrintStream log)
            throws IOException {
        super("loopwork-worker-" + index, slots, transport);
        blockingPoller = transport.newBlockingPoller();
        this.taskTypes = taskTypes;
        this.workers = workers;
        stats.blockingWriter(thread());
        scope = new IoScope(this, blockingHandler, inputCapacity, outputCapacity, log, stats.blocking);
        session = new BlockingSession(scope, blockingPoller, handOffLimits);
        try {
            loop = new AsyncLoop(index, mailboxCapacity, workers, taskTypes, loopHandler, inputCapacity,
                    outputCapacity, transport, queueTimeoutMs, log, stats);
        } catch (IOException | RuntimeException e) {
            release();
            throw e;
        }
    }

    /** The accept loops whose connections this worker may serve; set once, before any thread starts. */
    public void homes(AcceptLoop[] loops) {
        this.homes = loops;
        loop.homes(loops);
    }

    /** This worker's own event loop, for the connections moved to it. */
    AsyncLoop loop() {
        return loop;
    }

    /** Cycles of this worker's own event loop that failed on a bug in the kit; readable from any thread. */
    public long loopFailures() {
        return loop.failures();
    }

    /** The thread of this worker's own event loop. */
    public Thread loopThread() {
        return loop.thread();
    }

    @Override
    IoScope scope() {
        return scope;
    }

    public WorkerStats stats() {
        return stats;
    }

    /** Starts this worker's blocking side and its loop. */
    @Override
    public void start() {
        stats.threadId(thread().threadId());
        super.start();
        loop.start();
    }

    /** Stops after the current message; a task or blocking handler running now is interrupted. Its loop stops too. */
    @Override
    public void stop() {
        super.stop();
        thread().interrupt();
        loop.stop();
    }

    /** Runs a task; returns its completion status. Shared with loops that run tasks inline. */
    static int run(TaskType type, TaskPayload payload) {
        try {
            type.run(payload);
            return Messages.TASK_OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Messages.TASK_FAILED;
        } catch (Exception | LinkageError | AssertionError | StackOverflowError e) {
            return Messages.TASK_FAILED;
        }
    }

    @Override
    void onMessage(SlotRing ring, long position) {
        int kind = ring.header(position, Messages.KIND);
        if (kind == Messages.NONE) {
            return; // a claim given up
        }
        if (!ring.compareAndSetState(position, Messages.queued(position),
                Messages.started(position))) {
            return; // it waited past the queue timeout: its loop took it back and answered
        }
        int home = ring.header(position, Messages.HOME);
        ConnectionContext context = homes[home].pool.context(ring.header(position, Messages.CONNECTION));
        switch (kind) {
            case Messages.TASK -> {
                int type = ring.header(position, Messages.TASK_TYPE);
                SlotPayload task = payload.wrap(ring, position);
                int status = run(taskTypes[type], task);
                if (status != Messages.TASK_OK) {
                    stats.tasksFailed.increment();
                }
                stats.tasksRun.increment();
                int replyTo = ring.header(position, Messages.REPLY_TO);
                EventLoop offloader = replyTo < 0 ? homes[home] : workers[replyTo].loop;
                offloader.post(Messages.TASK_DONE, home, context.id(), type, status, task);
            }
            case Messages.HAND_OFF -> {
                stats.handOffs.increment();
                stats.heldBlocking.add(1);
                context.transfer.serveBlocking(session, scope);
            }
            default -> throw new IllegalStateException("unexpected message " + kind);
        }
    }

    /** A handed-off connection left this worker (closed or sent home). */
    @Override
    void released() {
        stats.heldBlocking.add(-1);
    }

    @Override
    ConnectionContext context(int home, int id) {
        return homes[home].pool.context(id);
    }

    @Override
    void afterPoll() {
        blockingPoller.tidy();
    }

    @Override
    void onClose() {
        // Nothing rests here: a hand-off closes or returns its connection before the worker takes the next message.
    }

    /** After both threads have ended, or when they never started: closes the pollers (see {@link AcceptLoop#release()}). */
    public void release() {
        blockingPoller.close();
        poller.close();
        if (loop != null) {
            loop.release();
        }
    }
}
