package loopwork.core;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A connection as a {@link BlockingHandler} sees it on a worker: its input buffer, blocking reads into it,
 * blocking writes. Valid only during {@link BlockingHandler#serve}. A call that waits for the peer longer
 * than the kit's {@link HandOffLimits} allow throws {@link java.net.SocketTimeoutException}, and the
 * connection is closed when the handler returns.
 *
 * <p>Not thread-safe: owned by the worker serving the hand-off.
 */
public interface BlockingConnection {

    int id();

    int loopIndex();

    /** The protocol's per-connection state; see {@link Connection#attach}. */
    Object attachment();

    /**
     * The protocol's handler made for the worker serving this hand-off ({@link LoopInfo.Role#WORKER_BLOCKING}):
     * where per-worker state (counters, caches, a shard) lives, for the blocking code to use instead of its home
     * loop's. Typed as the caller asks, with no cast: {@code RespHandler mine = blocking.handler();}.
     *
     * @param <H> the protocol's handler class
     * @throws ClassCastException if the protocol's handler is not an {@code H}
     */
    <H extends ConnectionHandler> H handler();

    /**
     * What the loop's handler passed with {@link Connection#handOff(BlockingHandler, long)} (0 without): one
     * {@link BlockingHandler} instance, shared by every connection, learns what to do from it, not from bytes
     * left unconsumed in the input for it.
     */
    long argument();

    /**
     * The connection's unconsumed input, from position to limit: what the loop had not consumed, then
     * what {@link #read()} adds. Consume by advancing the position; what is left goes back to the loop.
     */
    ByteBuffer input();

    /**
     * Blocks until more bytes arrive and appends them to {@link #input()}.
     *
     * @return the number of bytes read, or -1 when the peer has closed
     * @throws IOException on a reset, or when the input buffer is full of unconsumed bytes
     */
    int read() throws IOException;

    /**
     * Writes {@code length} bytes of {@code src}: buffered, sent whenever the buffer fills, on
     * {@link #flush()}, and when the handler returns; blocks while the peer does not read.
     */
    void write(byte[] src, int offset, int length) throws IOException;

    /** Sends everything written so far, blocking until the socket has taken it. */
    void flush() throws IOException;

    /** Writes all of {@code src}. */
    default void write(byte[] src) throws IOException {
        write(src, 0, src.length);
    }
}
