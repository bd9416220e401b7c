package loopwork.core.loop;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.function.Consumer;

import loopwork.core.BlockingConnection;
import loopwork.core.ConnectionHandler;

/**
 * The {@link BlockingConnection} a worker lends to a blocking handler: a flyweight over the handed-off
 * context, re-pointed for each hand-off. The channel stays non-blocking: a read or write that would block
 * waits on the worker's own blocking selector instead, through a key the context keeps, so that a hand-off
 * neither deregisters the channel from its loop nor allocates a key each time (NIO would need both to make
 * it truly blocking). Reads go into the context's input buffer; writes through the worker's scratch buffer,
 * sent whenever it fills and when the handler returns.
 *
 * <p>Not thread-safe: owned by its worker.
 */
final class BlockingSession implements BlockingConnection {

    /** A peer that neither reads nor writes for this long fails the blocking call. */
    static final long WAIT_TIMEOUT_MS = 60_000;
    static final Consumer<SelectionKey> IGNORE = key -> { };

    private final ByteBuffer scratch;
    private final Selector waits;
    private final ConnectionHandler handler;
    private ConnectionContext context;
    private ByteBuffer input;

    BlockingSession(ByteBuffer scratch, Selector waits, ConnectionHandler handler) {
        this.scratch = scratch;
        this.waits = waits;
        this.handler = handler;
    }

    void bind(ConnectionContext context, ByteBuffer input) {
        this.context = context;
        this.input = input;
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
        input.compact();
        try {
            if (!input.hasRemaining()) {
                throw new IOException("input buffer full: " + input.capacity() + " bytes unconsumed");
            }
            int read;
            while ((read = context.channel.read(input)) == 0) {
                await(SelectionKey.OP_READ);
            }
            return read;
        } finally {
            input.flip();
        }
    }

    @Override
    public void write(byte[] src, int offset, int length) throws IOException {
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
            writeAll(scratch);
        } finally {
            scratch.clear();
        }
    }

    /** Writes all of {@code bytes}, waiting while the socket is full. */
    void writeAll(ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            if (context.channel.write(bytes) == 0) {
                await(SelectionKey.OP_WRITE);
            }
        }
    }

    /** Blocks this worker until the connection is ready for {@code operation}. */
    private void await(int operation) throws IOException {
        SelectionKey key = context.blockingKey(waits);
        key.interestOps(operation);
        try {
            long deadline = System.nanoTime() + WAIT_TIMEOUT_MS * 1_000_000;
            while (waits.select(IGNORE, WAIT_TIMEOUT_MS) == 0) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedIOException("worker stopping");
                }
                if (System.nanoTime() - deadline > 0) {
                    throw new SocketTimeoutException("peer idle for " + WAIT_TIMEOUT_MS + " ms");
                }
            }
        } finally {
            key.interestOps(0);
        }
    }
}
