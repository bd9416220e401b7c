package loopwork.core.loop;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

import loopwork.core.ConnectionHandler;
import loopwork.core.LoopInfo;
import loopwork.core.ring.SlotRing;

/**
 * An accept thread: its own SO_REUSEPORT listening socket, its own selector, its pool of contexts, and the
 * connections it accepted, which it serves from accept to close unless it hands them to a worker. Every
 * context comes back to this pool on this thread, whichever thread closed its connection.
 *
 * <p>Not thread-safe: owned by its loop thread. Other threads may call {@link #wakeup()}, {@link #stop()},
 * {@link #stats()} and post to its mailbox.
 */
public final class AcceptLoop extends SelectorLoop {

    /** How long accepting pauses after it failed; the loop's idle select (1 s) bounds the real wait. */
    private static final long ACCEPT_RETRY_MS = 100;

    final int index;
    final LoopStats stats;
    final ConnectionPool pool;
    private final IoScope scope;
    private final ServerSocketChannel listener;
    private final ByteBuffer refusal;
    /** Messages others may still owe this loop (task completions, connections away); capped at the mailbox's size. */
    private int owed;
    private SelectionKey listenerKey;
    /** While accepting fails (no file descriptors left), when to try again; 0 when accepting. */
    private long acceptResumeMs;

    public AcceptLoop(LoopInfo info, ConnectionHandler handler, byte[] refusal, WorkerLoop[] workers,
            loopwork.core.TaskType[] taskTypes, int mailboxCapacity, PrintStream log) throws IOException {
        super("loopwork-loop-" + info.index(), mailboxCapacity);
        index = info.index();
        stats = new LoopStats(info.capacity());
        scope = new IoScope(this, handler, info.inputCapacity(), info.outputCapacity(), log, stats.handlerErrors);
        scope.offload = new TaskOffload(scope, workers, taskTypes);
        pool = new ConnectionPool(info.capacity(), info.inputCapacity(), info.outputCapacity(), this);
        this.refusal = ByteBuffer.allocateDirect(refusal.length).put(refusal).flip();
        listener = ServerSocketChannel.open();
    }

    @Override
    IoScope scope() {
        return scope;
    }

    public LoopStats stats() {
        return stats;
    }

    @Override
    public void start() {
        stats.threadId(thread().threadId());
        super.start();
    }

    /** Whether pool buffers are committed lazily (mmap), so reserved memory is not resident memory. */
    public boolean lazyPoolMemory() {
        return pool.isLazy();
    }

    /** Binds the listening socket with SO_REUSEPORT, so every loop can bind the same address. */
    public InetSocketAddress bind(InetSocketAddress address, int backlog) throws IOException {
        listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        listener.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        listener.bind(address, backlog);
        listener.configureBlocking(false);
        listenerKey = listener.register(selector, SelectionKey.OP_ACCEPT, null);
        return (InetSocketAddress) listener.getLocalAddress();
    }

    /** Reserves room in the mailbox for one message owed later; false when it is all spoken for. */
    boolean reserve() {
        if (owed >= mailbox.capacity()) {
            return false;
        }
        owed++;
        return true;
    }

    void unreserve() {
        owed--;
    }

    @Override
    void onSelected(SelectionKey key) {
        Object attachment = key.attachment();
        if (attachment == null) {
            onAcceptable();
        } else {
            ((ConnectionContext) attachment).onSelected(key);
        }
    }

    /** Accepts until the listening socket has no more (EAGAIN). */
    private void onAcceptable() {
        for (;;) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (IOException e) {
                // Out of file descriptors, typically: the listener stays ready, so retrying at once would
                // spin. Stop watching it for a moment; the connections already open are served meanwhile.
                stats.acceptErrors.increment();
                listenerKey.interestOps(0);
                acceptResumeMs = nowMs() + ACCEPT_RETRY_MS;
                if (scope.log != null) {
                    scope.log.println(name() + ": accept failed, retrying in " + ACCEPT_RETRY_MS + " ms: " + e);
                }
                return;
            }
            if (channel == null) {
                return;
            }
            ConnectionContext context = pool.take();
            if (context == null) {
                refuse(channel);
                continue;
            }
            try {
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, Boolean.TRUE);
                context.open(channel, channel.register(selector, SelectionKey.OP_READ, context));
            } catch (IOException e) {
                closeQuietly(channel);
                pool.release(context);
                continue;
            }
            stats.accepted.increment();
            stats.open.increment();
            if (scope.log != null) {
                scope.log.println(name() + ": connection " + context.id() + " open");
            }
            context.opened();
        }
    }

    /** The pool is empty: send the protocol's refusal, close, count it, and keep serving the others. */
    private void refuse(SocketChannel channel) {
        stats.rejected.increment();
        if (scope.log != null) {
            scope.log.println(name() + ": pool empty, connection refused");
        }
        try {
            channel.configureBlocking(false);
            // Read what already arrived, so that closing sends FIN rather than a reset that could drop our answer.
            scope.scratchIn.clear();
            channel.read(scope.scratchIn);
            refusal.rewind();
            channel.write(refusal);
            channel.shutdownOutput();
        } catch (IOException e) {
            // the peer is gone already
        } finally {
            closeQuietly(channel);
        }
    }

    @Override
    void afterSelect() {
        if (acceptResumeMs != 0 && nowMs() - acceptResumeMs >= 0) {
            acceptResumeMs = 0;
            listenerKey.interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    @Override
    void onMessage(SlotRing ring, long position) {
        ConnectionContext context = pool.context(ring.header(position, Messages.CONNECTION));
        switch (ring.header(position, Messages.KIND)) {
            case Messages.TASK_DONE -> {
                unreserve();
                scope.offload.onTaskDone(context, ring, position);
            }
            case Messages.RETURNED -> {
                unreserve();
                stats.away.add(-1);
                context.cameHome();
            }
            case Messages.CLOSED_AWAY -> {
                unreserve();
                stats.away.add(-1);
                context.closedAway();
            }
            default -> throw new IllegalStateException("unexpected message " + ring.header(position, Messages.KIND));
        }
    }

    /** A connection of this loop closed (at home, or away and now reported): on this loop's thread. */
    void countClose() {
        stats.open.add(-1);
        stats.closed.increment();
    }

    @Override
    void onClose() {
        for (int id = 0; id < pool.capacity(); id++) {
            ConnectionContext context = pool.context(id);
            if (!context.isAway()) { // a worker closes what it holds when it stops
                context.close();
            }
        }
        closeQuietly(listener);
    }

    /** After the thread has ended: frees the pool's memory. */
    public void release() {
        pool.close();
    }

    static void closeQuietly(java.nio.channels.Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
