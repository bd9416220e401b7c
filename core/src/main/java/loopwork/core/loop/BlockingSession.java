package loopwork.core.loop;

import java.io.IOException;
import java.nio.ByteBuffer;

import loopwork.core.BlockingConnection;

/**
 * The {@link BlockingConnection} a worker lends to a blocking handler: a flyweight over the handed-off
 * context, re-pointed for each hand-off. Reads go into the context's own input buffer; writes go out
 * through the worker's scratch buffer, sent whenever it fills and when the handler returns.
 *
 * <p>Not thread-safe: owned by its worker.
 */
final class BlockingSession implements BlockingConnection {

    private final ByteBuffer scratch;
    private ConnectionContext context;
    private ByteBuffer input;

    BlockingSession(ByteBuffer scratch) {
        this.scratch = scratch;
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
    public ByteBuffer input() {
        return input;
    }

    @Override
    public int read() throws IOException {
        input.compact();
        if (!input.hasRemaining()) {
            input.flip();
            throw new IOException("input buffer full: " + input.capacity() + " bytes unconsumed");
        }
        int read;
        try {
            read = context.channel.read(input);
        } finally {
            input.flip();
        }
        return read;
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
            while (scratch.hasRemaining()) {
                context.channel.write(scratch);
            }
        } finally {
            scratch.clear();
        }
    }

    /** Writes what the loop had queued but not sent, before the handler's own output. */
    void writePending(ByteBuffer pending) throws IOException {
        while (pending.hasRemaining()) {
            context.channel.write(pending);
        }
    }
}
