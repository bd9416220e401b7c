package loopwork.core.loop;

import loopwork.core.transport.Poller;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

import loopwork.core.BlockingConnection;
import loopwork.core.ConnectionHandler;
import loopwork.core.HandOffLimits;

/**
 * The {@link BlockingConnection} a worker lends to a blocking handler: a flyweight over the handed-off
 * context, re-pointed for each hand-off. The socket stays non-blocking: a read or write that would block
 * waits in the worker's own blocking poller instead, so that a hand-off neither deregisters the socket from
 * NIO's selectors nor allocates a key each time (NIO would need both to make it truly blocking). Reads go
 * into the context's input buffer; writes through the worker's scratch buffer, sent whenever it fills and
 * when the handler returns. On a virtual thread ({@link PeerWait}) a wait parks that thread while its
 * worker watches the socket: a wait in a system call would hold the carrier the other virtual threads need.
 *
 * <p>Not thread-safe: owned by its worker's blocking thread (or its virtual thread), which every method asserts: a handler that
 * lets another thread use it fails with an {@link AssertionError} (with {@code -ea}, as in the tests).
 */
final class BlockingSession implements BlockingConnection {

    /** A wait looks whether the kit stops this often. */
    private static final long WAIT_SLICE_MS = 200;
    /** How a wait for the peer ended. */
    static final int READY = 1;
    static final int TIMED_OUT = 2;
    static final int STOPPED = 3;
    static final int UNWATCHABLE = 4;

    /** A wait for the peer done by another thread than the one serving: a virtual thread's ({@link VirtualHandOff}). */
    interface PeerWait {
        /** Until the connection is ready for {@code operation}, or {@code limitNanos}: how it ended, {@link #READY} etc. */
        int awaitPeer(int operation, long limitNanos);
    }

    private final OwnerThread worker;
    /** The worker's own poller, whose system-call scratch its reads and writes use. */
    private final Poller poller;
    /** Where the worker's blocking thread waits; null on a virtual thread, which waits through {@link #virtual}. */
    private final Poller waits;
    /** How a virtual thread waits: its worker watches for it; null on the worker's blocking thread. */
    private final PeerWait virtual;
    private final ByteBuffer scratch;
    private final long scratchAddress;
    private final ConnectionHandler handler;
    private final WaitBudget budget;
    /** What the waits are timed by: the system's clock, or a stepped kit's manual one. */
    private final Clock clock;
    /** The worker's: once it stops, every read, write and wait fails. */
    private final LoopControl control;
    /** A wait ran out of its budget: the connection is done for, whatever the handler makes of the exception. */
    private boolean timedOut;
    private ConnectionContext context;
    private ByteBuffer input;
    private long inputAddress;

    BlockingSession(OwnerThread worker, Poller poller, Poller waits, ConnectionHandler handler, int scratchBytes,
            HandOffLimits limits, Clock clock, LoopControl control, PeerWait virtual) {
        this.worker = worker;
        this.virtual = virtual;
        this.control = control;
        this.clock = clock;
        this.poller = poller;
        this.waits = waits;
        this.budget = new WaitBudget(limits);
        this.scratch = ByteBuffer.allocateDirect(scratchBytes);
        this.scratchAddress = java.lang.foreign.MemorySegment.ofBuffer(scratch).address();
        this.handler = handler;
    }

    /** Points the session at a handed-off connection, with a fresh wait budget. */
    void bind(ConnectionContext context, ByteBuffer input, long inputAddress) {
        assert onWorker() : worker.notOwner("BlockingSession.bind");
        this.context = context;
        this.input = input;
        this.inputAddress = inputAddress;
        scratch.clear();
        budget.reset();
        timedOut = false;
    }

    /** The hand-off is over: the session lets go of the connection, and keeps {@link #timedOut()} for its end. */
    void release() {
        assert onWorker() : worker.notOwner("BlockingSession.release");
        context = null;
        input = null;
        inputAddress = 0;
    }

    @Override
    public int id() {
        assert onWorker() : worker.notOwner("BlockingConnection.id");
        return context.id;
    }

    @Override
    public int loopIndex() {
        assert onWorker() : worker.notOwner("BlockingConnection.loopIndex");
        return context.loopIndex();
    }

    @Override
    public loopwork.core.PeerAddress peerAddress() {
        assert onWorker() : worker.notOwner("BlockingConnection.peerAddress");
        return context.peer;
    }

    @Override
    public Object attachment() {
        assert onWorker() : worker.notOwner("BlockingConnection.attachment");
        return context.attachment();
    }

    @Override
    @SuppressWarnings("unchecked") // the protocol's own handler type, as the caller says: a wrong one fails here
    public <H extends ConnectionHandler> H handler() {
        assert onWorker() : worker.notOwner("BlockingConnection.handler");
        return (H) handler;
    }

    @Override
    public long argument() {
        assert onWorker() : worker.notOwner("BlockingConnection.argument");
        return context.handOffArgument;
    }

    @Override
    public ByteBuffer input() {
        assert onWorker() : worker.notOwner("BlockingConnection.input");
        return input;
    }

    @Override
    public int read() throws IOException {
        assert onWorker() : worker.notOwner("BlockingConnection.read");
        checkOpen();
        input.compact();
        try {
            if (!input.hasRemaining()) {
                throw new IOException("input buffer full: " + input.capacity() + " bytes unconsumed");
            }
            int read;
            while ((read = poller.read(context.home, context.id, input, inputAddress)) == 0) {
                await(Poller.READ);
            }
            if (read == Poller.FAILED) {
                throw new IOException("connection reset by peer");
            }
            if (read > 0) {
                budget.moved(read);
            }
            return read; // or END
        } finally {
            input.flip();
        }
    }

    @Override
    public void write(byte[] src, int offset, int length) throws IOException {
        assert onWorker() : worker.notOwner("BlockingConnection.write");
        checkOpen();
        int done = 0;
        while (done < length) {
            if (!scratch.hasRemaining()) {
                flush();
            }
            int chunk = Math.min(length - done, scratch.remaining());
            scratch.put(src, offset + done, chunk);
            done += chunk;
        }
    }

    @Override
    public void flush() throws IOException {
        assert onWorker() : worker.notOwner("BlockingConnection.flush");
        scratch.flip();
        try {
            writeAll(scratch, scratchAddress);
        } finally {
            scratch.clear();
        }
    }

    /** Whether the calling thread is the worker's blocking thread, the session's owner. */
    private boolean onWorker() {
        return worker.isCurrent();
    }

    /** Whether a wait ran out of the {@link loopwork.core.HandOffLimits}: the connection must then close. */
    boolean timedOut() {
        return timedOut;
    }

    /** The handler closed the connection (through its {@code Connection}), or a wait timed out: no more I/O. */
    private void checkOpen() throws IOException {
        if (context.closeWhenServed) {
            throw new IOException("connection " + context.id() + " closed by its handler");
        }
        if (timedOut) {
            throw new SocketTimeoutException("connection " + context.id() + " timed out waiting for its peer");
        }
        if (control.stopping()) {
            throw new InterruptedIOException("the kit is stopping");
        }
    }

    /** Writes all of {@code bytes}, waiting while the socket is full. */
    void writeAll(ByteBuffer bytes, long address) throws IOException {
        assert onWorker() : worker.notOwner("BlockingSession.writeAll");
        checkOpen();
        while (bytes.hasRemaining()) {
            int written = poller.write(context.home, context.id, bytes, address, false);
            if (written == Poller.FAILED) {
                throw new IOException("connection reset by peer");
            }
            if (written == 0) {
                await(Poller.WRITE);
            } else {
                budget.moved(written);
            }
        }
    }

    /** Waits until the connection is ready for {@code operation}, within the wait budget. */
    private void await(int operation) throws IOException {
        long limit;
        try {
            limit = budget.nextWaitNanos();
        } catch (SocketTimeoutException e) {
            timedOut = true;
            throw e;
        }
        long start = clock.nowNs();
        int outcome;
        try {
            outcome = virtual != null ? virtual.awaitPeer(operation, limit) : awaitHere(operation, limit);
        } finally {
            budget.waited(clock.nowNs() - start);
        }
        switch (outcome) {
            case READY -> {
            }
            case TIMED_OUT -> {
                timedOut = true;
                throw budget.expired(limit);
            }
            case STOPPED -> throw new InterruptedIOException("the kit is stopping");
            default -> throw new IOException("cannot wait for the connection to be ready");
        }
    }

    /** The worker's blocking thread waits in its blocking poller, up to {@code limit} ns; how the wait ended. */
    private int awaitHere(int operation, long limit) {
        if (!waits.watch(context.home, context.id, operation)) {
            return UNWATCHABLE;
        }
        long start = clock.nowNs();
        try {
            long left = limit;
            while (waits.poll(Math.min(WAIT_SLICE_MS, (left + 999_999) / 1_000_000)) == 0) {
                if (control.stopping() || Thread.currentThread().isInterrupted()) {
                    return STOPPED;
                }
                left = limit - (clock.nowNs() - start);
                if (left <= 0) {
                    return TIMED_OUT;
                }
            }
            return READY;
        } finally {
            waits.unwatch(context.home, context.id);
        }
    }
}
