package loopwork.core;

import java.nio.ByteBuffer;

/**
 * One accepted connection as a protocol sees it: a context from its loop's pool, valid from
 * {@link ConnectionHandler#onOpen} to {@link ConnectionHandler#onClose}.
 *
 * <p>Not thread-safe: owned by the event loop that accepted it; call it only from that loop's handler.
 */
public interface Connection {

    /** Index of this context in its loop's pool, 0 to capacity - 1; stable while the connection lives. */
    int id();

    /** Index of the loop that owns this connection. */
    int loopIndex();

    /** Whether the connection is still open (neither side closed it). */
    boolean isOpen();

    /**
     * Whether {@code length} bytes could be queued now (it may write queued output to the socket to make
     * room). When not, the loop calls {@link ConnectionHandler#onWritable} and {@link ConnectionHandler#onData}
     * once the queued output has drained: check before consuming a request whose answer must not be lost.
     */
    boolean canWrite(int length);

    /**
     * Queues all of {@code src} (position to limit) for sending, advancing its position, or nothing.
     *
     * @return false when the bytes do not fit now; the loop then calls {@link ConnectionHandler#onWritable}
     *         and {@link ConnectionHandler#onData} once the queued output has drained
     */
    boolean write(ByteBuffer src);

    /** Queues {@code length} bytes of {@code src} from {@code offset}, all or nothing; see {@link #write(ByteBuffer)}. */
    boolean write(byte[] src, int offset, int length);

    /** Queues all of {@code src}, or nothing; see {@link #write(ByteBuffer)}. */
    default boolean write(byte[] src) {
        return write(src, 0, src.length);
    }

    /**
     * Claims a task slot on a worker for a task of {@code taskType} (an id from {@link TaskRegistry}). Fill
     * the returned payload in place, then call {@link #commitTask()}; nothing else may happen in between.
     *
     * @return the zeroed payload to fill, or null when every worker's slots are taken or the loop has as
     *         many tasks in flight as it can take back: the protocol should answer "busy" (HTTP 503)
     */
    TaskPayload tryClaimTask(int taskType);

    /**
     * Publishes the claimed task to its worker. The loop calls {@link ConnectionHandler#onTaskDone} for this
     * connection when it has run, and keeps watching the socket meanwhile.
     */
    void commitTask();

    /** Tasks of this connection committed and not yet completed. */
    int tasksInFlight();

    /** Closes once all queued output has been sent; no more input is delivered. */
    void closeAfterWrite();

    /** Closes now, dropping queued output. */
    void close();
}
