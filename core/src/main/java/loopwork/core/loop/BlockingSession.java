package loopwork.core.loop;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

import loopwork.core.BlockingConnection;
import loopwork.core.ConnectionHandler;

/**
 * The {@link BlockingConnection} a worker lends to a blocking handler: a flyweight over the handed-off
 * context, re-pointed for each hand-off. The socket stays non-blocking: a read or write that would block
 * waits in the worker's own blocking poller instead, so that a hand-off neither deregisters the socket from
 * NIO's selectors nor allocates a key each time (NIO would need both to make it truly blocking). Reads go
 * into the context's input buffer; writes through the worker's scratch buffer, sent whenever it fills and
 * when the handler returns.
 *
 * <p>Not thread-safe: owned by its worker.
 */
final class BlockingSession implements BlockingConnection {

    /** A peer that neither reads nor writes for this long fails the blocking call. */
    static final long WAIT_TIMEOUT_MS = 60_000;
    /** A wait looks at the thread's interrupt this often: an epoll wait, unlike a selector's, ignores it. */
    private static final long WAIT_SLICE_MS = 200;

    private final IoScope worker;
    private final Poller waits;
    private final ByteBuffer scratch;
    private final ConnectionHandler handler;
    private ConnectionContext context;
    private ByteBuffer input;
    private long inputAddress;

    BlockingSession(IoScope worker, Poller waits) {
        this.worker = worker;
        this.waits = waits;
        this.scratch = worker.scratchOut;
        this.handler = worker.handler;
    }

    void bind(ConnectionContext context, ByteBuffer input, long inputAddress) {
        this.context = context;
        this.input = input;
        this.inputAddress = inputAddress;
        scratch.clear();
    }

    @Override
    public int id() {
        return context.id();
    }

    @Override
    public int loopIndex() {
        return context.loopIndex();
    }

    @Override
    public Object attachment() {
        return context.attachment();
    }

    @Override
    public ConnectionHandler handler() {
        return handler;
    }

    @Override
    public ByteBuffer input() {
        return input;
    }

    @Override
    public int read() throws IOException {
        checkOpen();
        input.compact();
        try {
            if (!input.hasRemaining()) {
                throw new IOException("input buffer full: " + input.capacity() + " bytes unconsumed");
            }
            int read;
            while ((read = context.endpoint.read(worker.poller, input, inputAddress)) == 0) {
                await(Poller.READ);
            }
            if (read == Endpoint.FAILED) {
                throw new IOException("connection reset by peer");
            }
            return read; // or END
        } finally {
            input.flip();
        }
    }

    @Override
    public void write(byte[] src, int offset, int length) throws IOException {
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
        scratch.flip();
        try {
            writeAll(scratch, worker.scratchOutAddress);
        } finally {
            scratch.clear();
        }
    }

    /** The handler closed the connection (through its {@code Connection}): it is gone for reading and writing. */
    private void checkOpen() throws IOException {
        if (context.transfer.closeRequested()) {
            throw new IOException("connection " + context.id() + " closed by its handler");
        }
    }

    /** Writes all of {@code bytes}, waiting while the socket is full. */
    void writeAll(ByteBuffer bytes, long address) throws IOException {
        checkOpen();
        while (bytes.hasRemaining()) {
            int written = context.endpoint.write(worker.poller, bytes, address, false);
            if (written == Endpoint.FAILED) {
                throw new IOException("connection reset by peer");
            }
            if (written == 0) {
                await(Poller.WRITE);
            }
        }
    }

    /** Blocks this worker until the connection is ready for {@code operation}. */
    private void await(int operation) throws IOException {
        if (!context.endpoint.watch(waits, operation)) {
            throw new IOException("cannot wait for the connection to be ready");
        }
        try {
            long deadline = System.nanoTime() + WAIT_TIMEOUT_MS * 1_000_000;
            while (waits.poll(WAIT_SLICE_MS) == 0) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("worker stopping");
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new SocketTimeoutException("peer idle for " + WAIT_TIMEOUT_MS + " ms");
                }
            }
        } finally {
            context.endpoint.unwatch(waits);
        }
    }
}
