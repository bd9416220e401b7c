package loopwork.core;

import java.nio.ByteBuffer;

/**
 * One accepted connection as a protocol sees it: a context from its loop's pool, valid from
 * {@link ConnectionHandler#onOpen} to {@link ConnectionHandler#onClose}.
 *
 * <p>Not thread-safe: owned by the thread serving it, the event loop that accepted it or the worker it was
 * handed or moved to; call it only from that thread's handler. With assertions on ({@code -ea}), a call that
 * acts (writes, tasks, timers, trips, closes, {@link #attach}) from any other thread throws
 * {@link AssertionError}, as Netty's channels assert {@code inEventLoop()}.
 */
public interface Connection {

    /** Index of this context in its loop's pool, 0 to capacity - 1; stable while the connection lives. */
    int id();

    /** Index of the loop that owns this connection. */
    int loopIndex();

    /**
     * Whether the calling thread serves this connection now, the only one that may act on it (Netty's
     * {@code inEventLoop()}): for protocol code to assert, as the kit's own entry points do.
     *
     * <pre>{@code assert connection.inServingThread();}</pre>
     */
    boolean inServingThread();

    /** Whether the connection is still open (neither side closed it). */
    boolean isOpen();

    /**
     * Whether the peer has ended its input (shut down its sending side, a FIN): nothing more will arrive. What
     * it sent before is still delivered to {@link ConnectionHandler#onData}, which may then find a message cut
     * short that it should give up on; then {@link ConnectionHandler#onInputEnded} follows.
     */
    boolean inputEnded();

    /** Bytes received and left unconsumed by the last {@link ConnectionHandler#onData}; for use between calls. */
    int unconsumedInput();

    /**
     * Until the next {@link ConnectionHandler#onData}, bytes read are kept without calling it while fewer than
     * {@code bytes} are unconsumed: for a message whose length the handler knows (a length prefix, a RESP bulk
     * string), so that a client sending it a few bytes at a time does not cost a parse per read. Input already
     * shown again (after a task, a timer, a drained output) is not held back; a full input buffer or the end of
     * the input is shown whatever the count. 0 (the default, and after each {@code onData}) shows every read.
     */
    void awaitBytes(int bytes);

    /** Whether the accept loop that owns it serves it now (not a worker's loop). */
    boolean isHome();

    /**
     * Whether the kit is draining ({@link Kit#drain()}): it takes no new connections and waits for the open ones
     * to finish. Answer what was asked, say the connection ends if the protocol can (HTTP: {@code Connection:
     * close}), and close once no message is left half-answered. See {@link ConnectionHandler#onDrain}.
     */
    boolean draining();

    /** Ties the protocol's per-connection state to this context; kept until replaced, across closes. */
    void attach(Object attachment);

    /** What {@link #attach} tied to this context, or null. */
    Object attachment();

    /**
     * Whether {@code length} bytes could be queued now (it may write queued output to the socket to make
     * room). When not, the loop calls {@link ConnectionHandler#onWritable} and {@link ConnectionHandler#onData}
     * once the queued output has drained: check before consuming a request whose answer must not be lost.
     *
     * @throws IllegalArgumentException if {@code length} is larger than the output buffer
     *                                  ({@link LoopInfo#outputCapacity()}): it could never fit, and waiting for
     *                                  room would hang the connection; counted in the loop's stats
     */
    boolean canWrite(int length);

    /**
     * Queues all of {@code src} (position to limit) for sending, advancing its position, or nothing.
     *
     * @return false when the bytes do not fit now; the loop then calls {@link ConnectionHandler#onWritable}
     *         and {@link ConnectionHandler#onData} once the queued output has drained
     * @throws IllegalArgumentException if the bytes are more than the output buffer holds
     *                                  ({@link LoopInfo#outputCapacity()}): they never could fit
     */
    boolean write(ByteBuffer src);

    /** Queues {@code length} bytes of {@code src} from {@code offset}, all or nothing; see {@link #write(ByteBuffer)}. */
    boolean write(byte[] src, int offset, int length);

    /** Queues all of {@code src}, or nothing; see {@link #write(ByteBuffer)}. */
    default boolean write(byte[] src) {
        return write(src, 0, src.length);
    }

    /**
     * Queues {@code length} bytes of {@code src} from index {@code offset}, all or nothing, leaving its position
     * and limit alone: a region of a shared, pre-encoded buffer goes out with no view made for it; see
     * {@link #write(ByteBuffer)}.
     *
     * @throws IndexOutOfBoundsException if the region is not within {@code src}'s limit
     */
    boolean write(ByteBuffer src, int offset, int length);

    /**
     * Sends {@code length} bytes of {@code src} from index {@code offset}, however many: for an answer larger
     * than the output buffer, or one the handler would rather not copy whole. The connection holds the region,
     * after whatever was queued before, and sends it as the socket drains, each chunk copied once into its
     * output buffer ({@link LoopInfo#outputCapacity()} bytes at a time); nothing is allocated. {@code src}'s
     * position and limit are not used or changed, so one read-only buffer may be sent to many connections at
     * once, but the region's bytes must not change until {@link ConnectionHandler#onSent} (or
     * {@link ConnectionHandler#onClose}). Until then output written after it is refused, and the handler hears
     * {@link ConnectionHandler#onWritable} once it is sent; check {@link #isSending()}.
     *
     * <p>Across trips: a connection moved to a worker's loop (or home) takes the region along, and the loop it
     * arrives at sends the rest and calls its handler's {@code onSent}; a hand-off sends the rest before its
     * blocking handler runs, and {@code onSent} comes when the connection is back on a loop.
     *
     * <pre>{@code
     * // a reply of any size, e.g. a value of a cache kept in one direct buffer
     * if (!connection.isSending() && connection.canWrite(header.length)) {
     *     connection.write(header);
     *     connection.send(values, start, length);   // onSent: the next request may be answered
     * }
     * }</pre>
     *
     * @return false, holding nothing, when the connection cannot send now: closing, leaving, not served by a
     *         loop (a blocking handler writes through its {@link BlockingConnection}), or still sending an
     *         earlier region (then {@link ConnectionHandler#onWritable} follows once that one is sent)
     * @throws IndexOutOfBoundsException if the region is not within {@code src}'s limit
     */
    boolean send(ByteBuffer src, int offset, int length);

    /** Whether a region {@link #send} holds is still being sent: writes wait until it is. */
    boolean isSending();

    /**
     * Claims a task slot on a worker for a task of {@code taskType} (an id from {@link TaskRegistry}). Fill
     * the returned payload in place, then call {@link #commitTask()}; nothing else may happen in between.
     *
     * @return the zeroed payload to fill, or null when every worker's slots are taken or the loop has as
     *         many tasks in flight as it can take back: the protocol should answer "busy" (HTTP 503)
     */
    TaskPayload tryClaimTask(int taskType);

    /**
     * {@link #tryClaimTask(int)} on worker {@code worker} only, 0 to {@link LoopInfo#workers()} - 1: for state
     * sharded by worker, each shard touched by its worker's tasks alone (route a key with
     * {@code Math.floorMod(hash, workers)}), however the kernel spread the clients over the loops. With no
     * workers the task runs on the loop, as with any.
     *
     * @return the zeroed payload, or null when that worker's slots are all taken (another worker's free slots
     *         do not help) or the loop has as many tasks in flight as it can take back
     * @throws IllegalArgumentException if there is no such worker
     */
    TaskPayload tryClaimTask(int taskType, int worker);

    /**
     * Publishes the claimed task to its worker. The loop calls {@link ConnectionHandler#onTaskDone} for this
     * connection when it has run, and keeps watching the socket meanwhile.
     */
    void commitTask();

    /** Tasks of this connection committed and not yet completed. */
    int tasksInFlight();

    /**
     * Hands the connection to a worker, to be served by {@code handler} with blocking reads and writes,
     * once this handler call has returned: it leaves the selector, becomes blocking, and its unconsumed
     * input and queued output go with it. When {@code handler} returns true, it comes back to its loop
     * ({@link ConnectionHandler#onArrived}, then {@link ConnectionHandler#onData} with any input left);
     * false closes it. Stop consuming input after a true answer.
     *
     * @return false when it cannot go now (every worker's slots taken, a task in flight, already leaving,
     *         or not on its home loop): answer "busy" instead
     */
    default boolean handOff(BlockingHandler handler) {
        return handOff(handler, 0);
    }

    /**
     * {@link #handOff(BlockingHandler)}, passing {@code argument} to the blocking handler
     * ({@link BlockingConnection#argument()}): an index, a length, a command code, whatever it needs to know.
     */
    boolean handOff(BlockingHandler handler, long argument);

    /**
     * Moves the connection into a worker's own event loop once this handler call has returned; the same
     * protocol (that worker's handler) serves it there, starting with {@link ConnectionHandler#onArrived}.
     *
     * @return false when it cannot go now; see {@link #handOff}
     */
    boolean moveToWorker();

    /**
     * On a worker's event loop: sends the connection back to the loop that accepted it once this handler
     * call has returned.
     *
     * @return false when it is home already or has a task in flight
     */
    boolean moveHome();

    /**
     * Calls {@link ConnectionHandler#onTimer} in {@code delayMs} milliseconds (1 ms resolution) on the
     * thread serving the connection; replaces an earlier timer. A move or a hand-off cancels it.
     */
    void setTimer(long delayMs);

    /**
     * Milliseconds of the serving thread's monotonic clock (not wall time), as read once per loop cycle when
     * its wait for events ended: what {@link #setTimer} counts from, and cheap enough to call per request.
     */
    long nowMs();

    /**
     * {@link #nowMs()} in nanoseconds: the same read of the same clock, once per loop cycle (a blocking handler's
     * is read when asked), so it costs nothing per call. For durations finer than a millisecond between cycles: two
     * calls in one cycle give the same value. By default {@code nowMs()} in nanoseconds.
     */
    default long nowNs() {
        return nowMs() * 1_000_000L;
    }

    /** Cancels the timer, if any. */
    void cancelTimer();

    /** Closes once all queued output has been sent; no more input is delivered. */
    void closeAfterWrite();

    /** Closes now, dropping queued output. */
    void close();

    /**
     * Closes now with a reset (RST): drops queued output and what the kernel still holds to send, which a
     * normal close leaves it sending for as long as the peer takes it. For a peer given up on for not reading
     * (a write timeout), so that its buffers are freed at once; a reset's peer may report an error.
     */
    void reset();
}
