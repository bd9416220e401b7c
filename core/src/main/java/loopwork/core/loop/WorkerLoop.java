package loopwork.core.loop;

import java.io.IOException;
import java.io.PrintStream;
import java.util.function.Supplier;

import loopwork.core.ConnectionHandler;
import loopwork.core.HandOffLimits;
import loopwork.core.SyncThreads;
import loopwork.core.TaskType;
import loopwork.core.transport.Poller;
import loopwork.core.transport.TransportFamily;
import loopwork.core.ring.SlotPayload;
import loopwork.core.ring.SlotRing;

/**
 * A worker thread, the side of a worker that may block. Its mailbox is its task slots: loops claim a slot,
 * write a task (or a connection handed off) into it in place, and publish it. It runs each task in its slot
 * and posts the completion, with the result payload, to the loop that offloaded it; and serves a
 * handed-off connection with blocking I/O until its handler is done ({@link HandOff}). One thing at a time: a
 * long task delays what queues behind it here, never a loop, and never the connections moved to this worker,
 * which its own {@link AsyncLoop} serves on another thread. Work that waited past the queue timeout was taken
 * back by its loop, and is skipped.
 *
 * <p>Not thread-safe: owned by its worker thread. Other threads may reach it through its mailbox, and call
 * {@link #stop()} and {@link #stats()}.
 */
public final class WorkerLoop extends EventLoop {

    private final int index;
    private final WorkerStats stats = new WorkerStats();
    private final TaskType[] taskTypes;
    private final long queueTimeoutMs;
    /** Its own event loop, for connections moved to it; stepped with it in a test ({@link LoopStepper}). */
    final AsyncLoop loop;
    private final HandOff handOff;
    /** With {@link SyncThreads#VIRTUAL}: the virtual threads that serve its hand-offs; null with platform. */
    private final VirtualHandOffs virtual;
    private final ConnectionCloser closer;
    private final Trips trips;
    private final HandlerFailures failures;
    /** The flyweight over the task running now, in its slot. */
    private final SlotPayload payload = new SlotPayload();
    /** Where a blocking handler waits for its connection to be readable or writable. */
    private final Poller blockingPoller;
    private final WorkerLoop[] workers;
    private ContextDirectory contexts;
    /** Where completions go: the accept loops' mailboxes, then the workers' loops'. */
    private Mailbox[] homes;

    /**
     * @param workers all workers, this one included, filled in before any thread starts: where this worker's
     *                loop sends the tasks of connections moved to it
     * @param clock   what both its threads read the time from: {@link Clock#SYSTEM}, or a test's
     * @param virtualHandlers with {@link SyncThreads#VIRTUAL}, makes the protocol's handler of each virtual thread
     *                that serves its hand-offs (a handler is one thread's); null to serve them on this thread
     */
    public WorkerLoop(int index, int slots, int mailboxCapacity, WorkerLoop[] workers, TaskType[] taskTypes,
            ConnectionHandler blockingHandler, ConnectionHandler loopHandler, int inputCapacity, int outputCapacity,
            TransportFamily transport, HandOffLimits handOffLimits, long queueTimeoutMs, PrintStream log,
            Clock clock, Supplier<ConnectionHandler> virtualHandlers) throws IOException {
        super("loopwork-worker-" + index, slots, transport, clock);
        this.index = index;
        blockingPoller = transport.newBlockingPoller();
        this.taskTypes = taskTypes;
        this.workers = workers;
        this.queueTimeoutMs = queueTimeoutMs;
        stats.blockingWriter(thread());
        failures = new HandlerFailures(name(), stats.blocking.handlerErrors, log);
        BlockingSession session = new BlockingSession(owner, poller, blockingPoller, blockingHandler,
                outputCapacity, handOffLimits, clock, control, null);
        closer = new ConnectionCloser(poller, blockingHandler, failures, null, null, null, null, null,
                stats.heldBlocking);
        trips = new Trips(null, null, stats.heldBlocking);
        handOff = new HandOff(owner, poller, this.clock, session, failures, closer, trips, stats.handOffTimeouts,
                control);
        if (virtualHandlers != null) {
            // Each virtual thread reads and writes with its own session and I/O-only poller; the rest is the worker's.
            virtual = new VirtualHandOffs(owner, poller, this.clock, mailbox, handOff, v -> {
                OwnerThread thread = new OwnerThread(v.thread);
                Poller io = transport.newIoPoller();
                BlockingSession own = new BlockingSession(thread, io, null, virtualHandlers.get(), outputCapacity,
                        handOffLimits, clock, control, v);
                return new HandOff(thread, io, new LoopClock(clock), own, failures, closer, trips,
                        stats.handOffTimeouts, control);
            });
            mailbox.alsoAwait(virtual);
        } else {
            virtual = null;
        }
        try {
            loop = new AsyncLoop(index, mailboxCapacity, loopHandler, inputCapacity, outputCapacity, transport, log,
                    stats, clock);
        } catch (IOException | RuntimeException e) {
            blockingPoller.close();
            poller.close();
            throw e;
        }
    }

    /** The accept loops whose connections this worker may serve; set once, before any thread starts. */
    public void homes(AcceptLoop[] loops) {
        contexts = new ContextDirectory(AcceptLoop.pools(loops));
        homes = AcceptLoop.mailboxes(loops);
        closer.homes(homes);
        trips.homes(homes);
        loop.connect(workers, taskTypes, queueTimeoutMs, loops, contexts);
    }

    /** The workers' blocking sides' mailboxes, where tasks and hand-offs go. */
    static Mailbox[] blockingSides(WorkerLoop[] workers) {
        Mailbox[] mailboxes = new Mailbox[workers.length];
        for (int i = 0; i < workers.length; i++) {
            mailboxes[i] = workers[i].mailbox;
        }
        return mailboxes;
    }

    /** The workers' loops' mailboxes, where moves go. */
    static Mailbox[] loops(WorkerLoop[] workers) {
        Mailbox[] mailboxes = new Mailbox[workers.length];
        for (int i = 0; i < workers.length; i++) {
            mailboxes[i] = workers[i].loop.mailbox;
        }
        return mailboxes;
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

    /** Both its threads drain: its loop tells the connections moved to it, its hand-offs answer as they end. */
    @Override
    public void drain() {
        super.drain();
        loop.drain();
    }

    /**
     * Stops after the current message: a task running now runs to its end; a blocking handler's next read, write
     * or wait fails, so that it ends soon. Its loop stops too.
     */
    @Override
    public void stop() {
        super.stop();
        loop.stop();
    }

    @Override
    void onMessage(SlotRing ring, long position) {
        int kind = ring.header(position, Messages.KIND);
        if (kind == Messages.NONE) {
            return; // a claim given up
        }
        if (!ring.compareAndSetState(position, Messages.queued(position), Messages.started(position))) {
            return; // it waited past the queue timeout: its loop took it back and answered
        }
        int home = ring.header(position, Messages.HOME);
        int id = ring.header(position, Messages.CONNECTION);
        switch (kind) {
            case Messages.TASK -> {
                int type = ring.header(position, Messages.TASK_TYPE);
                SlotPayload task = payload.wrap(ring, position);
                int status = TaskRunner.run(taskTypes[type], task);
                if (status != Messages.TASK_OK) {
                    stats.tasksFailed.increment();
                }
                stats.tasksRun.increment();
                int replyTo = ring.header(position, Messages.REPLY_TO);
                Mailbox offloader = replyTo < 0 ? homes[home] : workers[replyTo].loop.mailbox;
                offloader.post(Messages.TASK_DONE, home, id, type, status, task);
            }
            case Messages.HAND_OFF -> {
                stats.handOffs.increment();
                stats.heldBlocking.add(1);
                if (virtual != null) {
                    virtual.start(contexts.context(home, id));
                } else {
                    handOff.serve(contexts.context(home, id));
                }
            }
            default -> throw new IllegalStateException("unexpected message " + kind);
        }
    }

    @Override
    ConnectionContext context(int home, int id) {
        return contexts.context(home, id);
    }

    @Override
    int drainOthers() {
        return virtual != null ? virtual.expire(clock) + virtual.takeBack(control.stopping()) : 0;
    }

    /** Only the sockets its virtual threads wait on are watched here. */
    @Override
    void onReady(ConnectionContext context, int ready) {
        virtual.onReady(context);
    }

    @Override
    long delayToNext(long nowMs) {
        return virtual != null ? virtual.delayToNext(nowMs) : -1;
    }

    @Override
    void afterPoll() {
        blockingPoller.tidy();
    }

    @Override
    void reportSuppressed() {
        failures.reportSuppressed();
    }

    @Override
    void onClose() {
        // On platform threads nothing rests here: a hand-off ends before the worker takes the next message.
        if (virtual != null) {
            virtual.close();
        }
    }

    /** After both threads have ended, or when they never started: closes the pollers (see {@link AcceptLoop#release()}). */
    public void release() {
        if (virtual != null && thread().getState() == Thread.State.NEW) {
            virtual.close(); // a stepped worker's: its handlers waiting on their peers end before the pollers close
        }
        blockingPoller.close();
        poller.close();
        if (loop != null) {
            loop.release();
        }
    }
}
