package loopwork.core.loop;

import java.io.IOException;
import java.io.PrintStream;

import loopwork.core.ConnectionHandler;
import loopwork.core.TaskType;
import loopwork.core.transport.TransportFamily;
import loopwork.core.ring.SlotRing;

/**
 * A worker's own event loop: serves the connections moved to the worker, asynchronously, with the same
 * protocol code as the accept loops, until they move home or close. It runs on a thread of its own, apart
 * from the worker's blocking side ({@link WorkerLoop}), so that a long task or a blocking hand-off there
 * never stalls the thousands of connections this loop may hold; their tasks go to the workers like an
 * accept loop's, and complete here.
 *
 * <p>Not thread-safe: owned by its loop thread. Other threads may call {@link #stop()} and reach it through its
 * mailbox.
 */
final class AsyncLoop extends EventLoop {

    final int index;
    private final WorkerStats stats;
    private final ConnectionHandler handler;
    private final int inputCapacity;
    private final int outputCapacity;
    private final PrintStream log;
    /** Made in {@link #connect}, once every worker exists: its tasks may go to any of them. */
    private ConnectionDriver driver;
    private ContextDirectory contexts;

    AsyncLoop(int index, int mailboxCapacity, ConnectionHandler handler, int inputCapacity, int outputCapacity,
            TransportFamily transport, PrintStream log, WorkerStats stats, Clock clock) throws IOException {
        super("loopwork-worker-" + index + "-loop", mailboxCapacity, transport, clock);
        this.index = index;
        this.stats = stats;
        this.handler = handler;
        this.inputCapacity = inputCapacity;
        this.outputCapacity = outputCapacity;
        this.log = log;
        stats.loopWriter(thread());
    }

    /**
     * Where this loop's tasks go and where its connections' contexts are; once, before any thread starts, when
     * every worker and accept loop is made.
     */
    void connect(WorkerLoop[] workers, TaskType[] taskTypes, long queueTimeoutMs, AcceptLoop[] homes,
            ContextDirectory contexts) {
        this.contexts = contexts;
        TaskOffload offload = new TaskOffload(owner, clock, mailbox, WorkerLoop.blockingSides(workers),
                WorkerLoop.loops(workers), taskTypes, index, queueTimeoutMs, stats.moved);
        driver = new ConnectionDriver(owner, clock, poller, handler,
                new HandlerFailures(name(), stats.moved.handlerErrors, log), stats.moved, offload, inputCapacity,
                outputCapacity, null, null, stats.heldMoved);
        driver.homes(AcceptLoop.mailboxes(homes));
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
                driver.events.arrive(context);
            }
            case Messages.TASK_DONE -> {
                mailbox.unreserve();
                driver.events.onTaskDone(context, ring, position);
            }
            case Messages.NONE -> {
                // a claim given up
            }
            default -> throw new IllegalStateException("unexpected message " + ring.header(position, Messages.KIND));
        }
    }

    @Override
    ConnectionContext context(int home, int id) {
        return contexts.context(home, id);
    }

    @Override
    ConnectionDriver driver() {
        return driver;
    }

    /** Tells each connection moved here that the kit drains. */
    @Override
    void onDrain() {
        driver.actions.draining = true;
        contexts.forEachServedBy(driver, driver.events::drain);
    }

    @Override
    void onClose() {
        // Only at stop: which of all the contexts this loop serves is its own to know (it set their servedBy).
        contexts.forEachServedBy(driver, driver.closer::closeAtStop);
    }

    /** After the thread has ended, or when it never started: closes its poller (see {@link AcceptLoop#release()}). */
    void release() {
        poller.close();
    }
}
