package loopwork.core.loop;

import java.io.IOException;
import java.io.PrintStream;

import loopwork.core.ConnectionHandler;
import loopwork.core.TaskType;
import loopwork.core.Transport;
import loopwork.core.ring.SlotRing;

/**
 * A worker's own event loop: serves the connections moved to the worker, asynchronously, with the same
 * protocol code as the accept loops, until they move home or close. It runs on a thread of its own, apart
 * from the worker's blocking side ({@link WorkerLoop}), so that a long task or a blocking hand-off there
 * never stalls the thousands of connections this loop may hold; their tasks go to the workers like an
 * accept loop's, and complete here.
 *
 * <p>Not thread-safe: owned by its loop thread. Other threads may call {@link #wakeup()}, {@link #stop()}
 * and claim, fill and commit slots in its mailbox.
 */
final class AsyncLoop extends EventLoop {

    final int index;
    private final WorkerStats stats;
    private final IoScope scope;
    private AcceptLoop[] homes;

    AsyncLoop(int index, int mailboxCapacity, WorkerLoop[] workers, TaskType[] taskTypes, ConnectionHandler handler,
            int inputCapacity, int outputCapacity, Transport transport, long queueTimeoutMs, PrintStream log,
            WorkerStats stats) throws IOException {
        super("loopwork-worker-" + index + "-loop", mailboxCapacity, transport);
        this.index = index;
        this.stats = stats;
        stats.loopWriter(thread());
        scope = new IoScope(this, handler, inputCapacity, outputCapacity, log, stats.moved);
        scope.offload = new TaskOffload(scope, workers, taskTypes, index, queueTimeoutMs);
    }

    /** The accept loops whose connections may move here; set once, before any thread starts. */
    void homes(AcceptLoop[] loops) {
        this.homes = loops;
    }

    @Override
    IoScope scope() {
        return scope;
    }

    @Override
    public void start() {
        stats.loopThreadId(thread().threadId());
        super.start();
    }

    @Override
    void onMessage(SlotRing ring, long position) {
        ConnectionContext context = context(ring.header(position, Messages.HOME),
                ring.header(position, Messages.CONNECTION));
        switch (ring.header(position, Messages.KIND)) {
            case Messages.MOVE -> {
                stats.moves.increment();
                stats.heldMoved.add(1);
                context.arriveAt(scope);
            }
            case Messages.TASK_DONE -> {
                unreserve();
                scope.offload.onTaskDone(context, ring, position);
            }
            case Messages.NONE -> {
                // a claim given up
            }
            default -> throw new IllegalStateException("unexpected message " + ring.header(position, Messages.KIND));
        }
    }

    /** A moved connection left this loop (closed or sent home). */
    @Override
    void released() {
        stats.heldMoved.add(-1);
    }

    @Override
    ConnectionContext context(int home, int id) {
        return homes[home].pool.context(id);
    }

    @Override
    void onClose() {
        // Only at stop: which of all the contexts this loop serves is its own to know (it set their scope).
        for (AcceptLoop home : homes) {
            for (int id = 0, created = home.pool.created(); id < created; id++) {
                ConnectionContext context = home.pool.context(id);
                if (context.isServedBy(scope)) {
                    context.close();
                }
            }
        }
    }

    /** After the thread has ended, or when it never started: closes its poller (see {@link AcceptLoop#release()}). */
    void release() {
        poller.close();
    }
}
