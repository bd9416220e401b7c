package loopwork.core.loop;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

import loopwork.core.ConnectionHandler;
import loopwork.core.TaskPayload;
import loopwork.core.TaskType;
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
public final class WorkerLoop extends SelectorLoop {

    private final WorkerStats stats = new WorkerStats();
    private final IoScope scope;
    private final TaskType[] taskTypes;
    private final BlockingSession session;
    /** The flyweight over the task running now, in its slot. */
    private final SlotPayload payload = new SlotPayload();
    /** Where a blocking handler waits for its connection to be readable or writable, apart from the loop's events. */
    final Selector blockingSelector;
    private AcceptLoop[] homes;

    public WorkerLoop(int index, int slots, TaskType[] taskTypes, ConnectionHandler handler, int inputCapacity,
            int outputCapacity, PrintStream log) throws IOException {
        super("loopwork-worker-" + index, slots);
        blockingSelector = Selector.open();
        this.taskTypes = taskTypes;
        scope = new IoScope(this, handler, inputCapacity, outputCapacity, log, stats.handlerErrors);
        scope.offload = new TaskOffload(scope, new WorkerLoop[0], taskTypes);
        session = new BlockingSession(scope.scratchOut, blockingSelector, handler);
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
                context.serveBlocking(session, scope);
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
    void onSelected(SelectionKey key) {
        ((ConnectionContext) key.attachment()).onSelected(key);
    }

    /** Deregisters the keys of connections closed since: their sockets are released only then. */
    @Override
    void afterSelect() {
        try {
            blockingSelector.selectNow(BlockingSession.IGNORE);
        } catch (IOException e) {
            throw new IllegalStateException("blocking selector failed in " + name(), e);
        }
    }

    @Override
    void onClose() {
        for (SelectionKey key : selector.keys()) {
            if (key.attachment() instanceof ConnectionContext context && context.isServedBy(scope)) {
                context.close();
            }
        }
        try {
            blockingSelector.close();
        } catch (IOException e) {
            // closing anyway
        }
    }
}
