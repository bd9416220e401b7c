package loopwork.core.loop;

import java.io.IOException;
import java.io.PrintStream;
import loopwork.core.ConnectionHandler;
import loopwork.core.HandOffLimits;
import loopwork.core.TaskPayload;
import loopwork.core.TaskType;
import loopwork.core.Transport;
import loopwork.core.ring.SlotPayload;
import loopwork.core.ring.SlotRing;

/**
 * A worker thread. Its mailbox is its task slots: loops claim a slot, write a task (or a connection handed
 * off or moved) into it in place, and publish it. It runs each task in its slot and posts the completion,
 * with the result payload, to the connection's home loop; serves a handed-off connection with blocking
 * I/O until its handler is done; and serves connections moved to it on its own selector, with the same
 * protocol code, between those. One thing at a time: a long task delays what queues behind it here, never
 * a loop.
 *
 * <p>Not thread-safe: owned by its worker thread. Other threads may claim and commit slots in its mailbox,
 * call {@link #wakeup()}, {@link #stop()} and {@link #stats()}.
 */
public final class WorkerLoop extends EventLoop {

    private final WorkerStats stats = new WorkerStats();
    private final IoScope scope;
    private final TaskType[] taskTypes;
    private final BlockingSession session;
    /** The flyweight over the task running now, in its slot. */
    private final SlotPayload payload = new SlotPayload();
    /** Where a blocking handler waits for its connection to be readable or writable, apart from the loop's events. */
    private final Poller blockingPoller;
    private AcceptLoop[] homes;

    public WorkerLoop(int index, int slots, TaskType[] taskTypes, ConnectionHandler handler, int inputCapacity,
            int outputCapacity, Transport transport, HandOffLimits handOffLimits, PrintStream log) throws IOException {
        super("loopwork-worker-" + index, slots, transport);
        blockingPoller = Poller.open(transport, null);
        this.taskTypes = taskTypes;
        scope = new IoScope(this, handler, inputCapacity, outputCapacity, log, stats.handlerErrors);
        scope.offload = new TaskOffload(scope, new WorkerLoop[0], taskTypes);
        session = new BlockingSession(scope, blockingPoller, handOffLimits);
    }

    /** The accept loops whose connections this worker may serve; set once, before any thread starts. */
    public void homes(AcceptLoop[] loops) {
        this.homes = loops;
    }

    @Override
    IoScope scope() {
        return scope;
    }

    public WorkerStats stats() {
        return stats;
    }

    @Override
    public void start() {
        stats.threadId(thread().threadId());
        super.start();
    }

    /** Stops after the current message; a task or blocking handler running now is interrupted. */
    @Override
    public void stop() {
        super.stop();
        thread().interrupt();
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
        int home = ring.header(position, Messages.HOME);
        ConnectionContext context = homes[home].pool.context(ring.header(position, Messages.CONNECTION));
        switch (ring.header(position, Messages.KIND)) {
            case Messages.TASK -> {
                int type = ring.header(position, Messages.TASK_TYPE);
                SlotPayload task = payload.wrap(ring, position);
                int status = run(taskTypes[type], task);
                if (status != Messages.TASK_OK) {
                    stats.tasksFailed.increment();
                }
                stats.tasksRun.increment();
                homes[home].post(Messages.TASK_DONE, home, context.id(), type, status, task);
            }
            case Messages.TASK_DONE -> scope.offload.onTaskDone(context, ring, position);
            case Messages.HAND_OFF -> {
                stats.handOffs.increment();
                stats.held.add(1);
                context.transfer.serveBlocking(session, scope);
            }
            case Messages.MOVE -> {
                stats.moves.increment();
                stats.held.add(1);
                context.arriveAt(scope);
            }
            case Messages.NONE -> {
                // a claim given up
            }
            default -> throw new IllegalStateException("unexpected message " + ring.header(position, Messages.KIND));
        }
    }

    /** A moved connection left this worker (closed or sent home). */
    void released() {
        stats.held.add(-1);
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
        // Only at stop: which of all the contexts this worker serves is its own to know (it set their scope).
        for (AcceptLoop home : homes) {
            for (int id = 0; id < home.pool.capacity(); id++) {
                ConnectionContext context = home.pool.context(id);
                if (context.isServedBy(scope)) {
                    context.close();
                }
            }
        }
    }

    /** After the thread has ended, or when it never started: closes its pollers (see {@link AcceptLoop#release()}). */
    public void release() {
        blockingPoller.close();
        poller.close();
    }
}
