package loopwork.core.loop;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

import loopwork.core.ConnectionHandler;
import loopwork.core.LoopInfo;
import loopwork.core.TaskType;
import loopwork.core.worker.Mailbox;
import loopwork.core.worker.Worker;

/**
 * An accept thread: its own SO_REUSEPORT listening socket, its own selector, and the connections it
 * accepted, served on this thread from accept to close. Each cycle drains the mailbox (task completions
 * from workers), then selects; it sleeps in {@code select} only when the mailbox is empty.
 *
 * <p>Not thread-safe: owned by its loop thread. Other threads may call {@link #wakeup()}, {@link #stop()},
 * {@link #stats()} and {@link #mailbox()} (to post).
 */
public final class EventLoop implements Runnable, Mailbox.Waker {

    private static final int MAILBOX_BATCH = 256;
    private static final long SELECT_TIMEOUT_MS = 1000;
    private static final VarHandle SLEEPING;

    static {
        try {
            SLEEPING = MethodHandles.lookup().findVarHandle(EventLoop.class, "sleeping", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final LoopResources loop;
    private final Mailbox mailbox;
    private final Selector selector;
    private final ServerSocketChannel listener;
    private final ByteBuffer refusal;
    private final Consumer<SelectionKey> onSelected = this::onSelected;
    private final Thread thread;
    private volatile boolean running = true;
    @SuppressWarnings("unused") // accessed through SLEEPING
    private volatile boolean sleeping;

    public EventLoop(LoopInfo info, ConnectionHandler handler, byte[] refusal, Worker[] workers, TaskType[] taskTypes,
            int mailboxCapacity, PrintStream log) throws IOException {
        loop = new LoopResources(info.index(), handler, info.capacity(), info.inputCapacity(), info.outputCapacity(),
                log);
        mailbox = new Mailbox(mailboxCapacity, this);
        loop.pool = new ConnectionPool(info.capacity(), info.inputCapacity(), info.outputCapacity(), loop);
        loop.offload = new TaskOffload(loop, workers, taskTypes, mailbox);
        this.refusal = ByteBuffer.allocateDirect(refusal.length).put(refusal).flip();
        selector = Selector.open();
        listener = ServerSocketChannel.open();
        thread = new Thread(this, "loopwork-loop-" + info.index());
    }

    /** Binds the listening socket with SO_REUSEPORT, so every loop can bind the same address. */
    public InetSocketAddress bind(InetSocketAddress address, int backlog) throws IOException {
        listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        listener.setOption(StandardSocketOptions.SO_REUSEPORT, true);
        listener.bind(address, backlog);
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT, null);
        return (InetSocketAddress) listener.getLocalAddress();
    }

    public void start() {
        loop.stats.threadId(thread.threadId());
        thread.start();
    }

    public Mailbox mailbox() {
        return mailbox;
    }

    public LoopStats stats() {
        return loop.stats;
    }

    public Thread thread() {
        return thread;
    }

    /** Whether pool buffers are committed lazily (mmap), so reserved memory is not resident memory. */
    public boolean lazyPoolMemory() {
        return loop.pool.isLazy();
    }

    @Override
    public void wakeup() {
        // Only a sleeping loop needs the selector's wake-up (a syscall), and only once per sleep.
        if ((boolean) SLEEPING.getVolatile(this) && SLEEPING.compareAndSet(this, true, false)) {
            selector.wakeup();
        }
    }

    public void stop() {
        running = false;
        selector.wakeup();
    }

    @Override
    public void run() {
        try {
            while (running) {
                doWork();
            }
        } finally {
            closeAll();
        }
    }

    /** One cycle: completions first, then socket events; returns how much it did. */
    int doWork() {
        int work = loop.offload.drainMailbox(MAILBOX_BATCH);
        try {
            if (work > 0) {
                return work + selector.selectNow(onSelected);
            }
            SLEEPING.setVolatile(this, true);
            // Re-check after announcing the sleep: a completion posted before the flag was visible would not wake us.
            if (!mailbox.ring().isEmpty() || !running) {
                SLEEPING.setVolatile(this, false);
                return selector.selectNow(onSelected);
            }
            int selected = selector.select(onSelected, SELECT_TIMEOUT_MS);
            SLEEPING.setVolatile(this, false);
            return selected;
        } catch (IOException e) {
            throw new IllegalStateException("selector failed on loop " + loop.index, e);
        }
    }

    private void onSelected(SelectionKey key) {
        Object attachment = key.attachment();
        if (attachment == null) {
            onAcceptable();
            return;
        }
        ConnectionContext context = (ConnectionContext) attachment;
        // A key cancelled earlier in this batch may point at a context already reused by a new connection.
        if (context.key != key || !key.isValid()) {
            return;
        }
        try {
            int ready = key.readyOps();
            if ((ready & SelectionKey.OP_WRITE) != 0) {
                context.onWritable();
            }
            if ((ready & SelectionKey.OP_READ) != 0 && context.key == key && key.isValid()) {
                context.onReadable();
            }
        } catch (RuntimeException e) {
            loop.handlerFailed(context, e);
        }
    }

    /** Accepts until the listening socket has no more (EAGAIN). */
    private void onAcceptable() {
        for (;;) {
            SocketChannel channel;
            try {
                channel = listener.accept();
            } catch (IOException e) {
                if (loop.log != null) {
                    loop.log.println("loop " + loop.index + ": accept failed: " + e);
                }
                return;
            }
            if (channel == null) {
                return;
            }
            ConnectionContext context = loop.pool.take();
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
                loop.pool.release(context);
                continue;
            }
            loop.stats.accepted.increment();
            loop.stats.open.increment();
            if (loop.log != null) {
                loop.log.println("loop " + loop.index + ": connection " + context.id() + " open");
            }
            try {
                loop.handler.onOpen(context);
            } catch (RuntimeException e) {
                loop.handlerFailed(context, e);
            }
        }
    }

    /** The pool is empty: send the protocol's refusal, close, count it, and keep serving the others. */
    private void refuse(SocketChannel channel) {
        loop.stats.rejected.increment();
        if (loop.log != null) {
            loop.log.println("loop " + loop.index + ": pool empty, connection refused");
        }
        try {
            channel.configureBlocking(false);
            // Read what already arrived, so that closing sends FIN rather than a reset that could drop our answer.
            loop.scratchIn.clear();
            channel.read(loop.scratchIn);
            refusal.rewind();
            channel.write(refusal);
            channel.shutdownOutput();
        } catch (IOException e) {
            // the peer is gone already
        } finally {
            closeQuietly(channel);
        }
    }

    private void closeAll() {
        for (int id = 0; id < loop.pool.capacity(); id++) {
            loop.pool.context(id).close();
        }
        closeQuietly(listener);
        try {
            selector.close();
        } catch (IOException e) {
            // closing anyway
        }
    }

    /** After the thread has ended: frees the pool's memory. */
    public void release() {
        loop.pool.close();
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        try {
            channel.close();
        } catch (IOException e) {
            // nothing left to do
        }
    }
}
