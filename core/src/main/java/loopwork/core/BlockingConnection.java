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

    /** {@return the connection's id in its accept loop's pool, as {@link Connection#id()}} */
    int id();

    /** {@return the index of the accept loop the connection belongs to, as {@link Connection#loopIndex()}} */
    int loopIndex();

    /** {@return the peer's address, as {@link Connection#peerAddress()}: a view reused by the context} */
    PeerAddress peerAddress();

    /**
     * {@return the protocol's per-connection state, or null} See {@link Connection#attach}; a blocking handler
     * reads it but cannot replace it.
     */
    Object attachment();

    /**
     * The protocol's handler made for the worker serving this hand-off ({@link LoopInfo.Role#WORKER_BLOCKING}):
     * where per-worker state (counters, caches, a shard) lives, for the blocking code to use instead of its home
     * loop's. Typed as the caller asks, with no cast: {@code RespHandler mine = blocking.handler();}.
     *
     * @param <H> the protocol's handler class
     * @return the handler of the thread serving this hand-off: the worker's blocking thread's, or with
     *         {@link SyncThreads#VIRTUAL} that virtual thread's own, kept for the hand-offs it serves later
     * @throws ClassCastException if the protocol's handler is not an {@code H}
     */
    <H extends ConnectionHandler> H handler();

    /**
     * What the loop's handler passed with {@link Connection#handOff(BlockingHandler, long)} (0 without): one
     * {@link BlockingHandler} instance, shared by every connection, learns what to do from it, not from bytes
     * left unconsumed in the input for it.
     *
     * @return the value handed over, unchanged; 0 for {@link Connection#handOff(BlockingHandler)}
     */
    long argument();

    /**
     * The connection's unconsumed input, from position to limit: what the loop had not consumed, then
     * what {@link #read()} adds. Consume by advancing the position; what is left goes back to the loop.
     *
     * @return the connection's input buffer ({@link LoopInfo#inputCapacity()} bytes), the same instance until
     *         {@link BlockingHandler#serve} returns; {@code read()} compacts it, so positions move
     */
    ByteBuffer input();

    /**
     * Blocks until more bytes arrive and appends them to {@link #input()}.
     *
     * @return the number of bytes read, or -1 when the peer has closed
     * @throws IOException on a reset, when the input buffer is full of unconsumed bytes, and as
     *                     {@link #write(byte[], int, int)} does
     */
    int read() throws IOException;

    /**
     * Writes {@code length} bytes of {@code src}: buffered, sent whenever the buffer fills, on
     * {@link #flush()}, and when the handler returns; blocks while the peer does not read.
     *
     * @param src    the array, copied before this returns
     * @param offset index of the first byte
     * @param length bytes to write, however many
     * @throws IOException when the peer reset, the wait for it ran past the {@link HandOffLimits}
     *                     ({@link java.net.SocketTimeoutException}), the connection was closed, or the kit is
     *                     stopping ({@link java.io.InterruptedIOException})
     */
    void write(byte[] src, int offset, int length) throws IOException;

    /**
     * Sends everything written so far, blocking until the socket has taken it.
     *
     * @throws IOException as {@link #write(byte[], int, int)} does
     */
    void flush() throws IOException;

    /**
     * Writes all of {@code src}; see {@link #write(byte[], int, int)}.
     *
     * @param src the bytes, copied before this returns
     * @throws IOException as {@link #write(byte[], int, int)} does
     */
    default void write(byte[] src) throws IOException {
        write(src, 0, src.length);
    }
}
