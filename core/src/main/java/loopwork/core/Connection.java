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

    /**
     * {@return this context's index in its accept loop's pool, 0 to {@link LoopInfo#capacity()} - 1} Stable while
     * the connection lives, and kept on a worker; ids of different loops overlap, so only the pair with
     * {@link #loopIndex()} names a connection within the kit.
     */
    int id();

    /** {@return the index of the accept loop that accepted this connection and owns its context, on a worker too} */
    int loopIndex();

    /**
     * The peer's address and port, read once when the connection was accepted: reading them allocates nothing
     * ({@link PeerAddress#toSocketAddress()} does), on its loop, a worker's loop or after a hand-off alike. The
     * view is the context's, reused by its next connection.
     *
     * @return the peer's address, never null; copy what must outlive the connection
     */
    PeerAddress peerAddress();

    /**
     * Whether the calling thread serves this connection now, the only one that may act on it (Netty's
     * {@code inEventLoop()}): for protocol code to assert, as the kit's own entry points do.
     *
     * <pre>{@code assert connection.inServingThread();}</pre>
     *
     * @return true on the thread whose handler is being called for this connection now; any thread may ask
     */
    boolean inServingThread();

    /** {@return whether the connection is still open (neither side closed it)} */
    boolean isOpen();

    /**
     * Whether the peer has ended its input (shut down its sending side, a FIN): nothing more will arrive. What
     * it sent before is still delivered to {@link ConnectionHandler#onData}, which may then find a message cut
     * short that it should give up on; then {@link ConnectionHandler#onInputEnded} follows.
     *
     * @return true once the peer's FIN has been read; it stays true
     */
    boolean inputEnded();

    /**
     * {@return bytes received and left unconsumed by the last {@link ConnectionHandler#onData}, 0 to
     * {@link LoopInfo#inputCapacity()}} For use between calls, as {@link ConnectionHandler#onDrain}'s default does.
     */
    int unconsumedInput();

    /**
     * Until the next {@link ConnectionHandler#onData}, bytes read are kept without calling it while fewer than
     * {@code bytes} are unconsumed: for a message whose length the handler knows (a length prefix, a RESP bulk
     * string), so that a client sending it a few bytes at a time does not cost a parse per read. Input already
     * shown again (after a task, a timer, a drained output) is not held back; a full input buffer or the end of
     * the input is shown whatever the count. 0 (the default, and after each {@code onData}) shows every read.
     *
     * @param bytes unconsumed bytes to wait for, counted from the position {@code onData} left; 0 or less shows
     *              every read, and more than {@link LoopInfo#inputCapacity()} waits only until the buffer is full
     */
    void awaitBytes(int bytes);

    /** {@return whether the accept loop that owns it serves it now: false on a worker's loop or in a hand-off} */
    boolean isHome();

    /**
     * Whether the kit is draining ({@link Kit#drain()}): it takes no new connections and waits for the open ones
     * to finish. Answer what was asked, say the connection ends if the protocol can (HTTP: {@code Connection:
     * close}), and close once no message is left half-answered. See {@link ConnectionHandler#onDrain}.
     *
     * @return true from the drain's start on, for every connection still open
     */
    boolean draining();

    /**
     * Ties the protocol's per-connection state to this context; kept until replaced, across closes, so that the
     * context's next connection reuses it (see {@link ConnectionHandler}).
     *
     * @param attachment the state, or null to drop it; the kit only hands it back
     */
    void attach(Object attachment);

    /** {@return what {@link #attach} tied to this context, perhaps by an earlier connection; null if nothing} */
    Object attachment();

    /**
     * Whether {@code length} bytes could be queued now (it may write queued output to the socket to make
     * room). When not, the loop calls {@link ConnectionHandler#onWritable} and {@link ConnectionHandler#onData}
     * once the queued output has drained: check before consuming a request whose answer must not be lost.
     *
     * @param length bytes of the answer to come, 0 to {@link LoopInfo#outputCapacity()}
     * @return true if a {@link #write} of {@code length} bytes now would be taken; false when they do not fit
     *         yet or a {@link #send} region is still going out, and when the connection is closed, closing
     *         or leaving
     * @throws IllegalArgumentException if {@code length} is larger than the output buffer
     *                                  ({@link LoopInfo#outputCapacity()}): it could never fit, and waiting for
     *                                  room would hang the connection; counted in the loop's stats
     */
    boolean canWrite(int length);

    /**
     * Queues all of {@code src} (position to limit) for sending, advancing its position, or nothing.
     *
     * @param src the bytes, heap or direct, from its position to its limit; not kept after the call
     * @return true when all were queued; false, taking none, when they do not fit now or a {@link #send} region
     *         is still going out (the loop then calls {@link ConnectionHandler#onWritable} and
     *         {@link ConnectionHandler#onData} once the output has drained), and when the connection is closed,
     *         closing or leaving
     * @throws IllegalArgumentException if the bytes are more than the output buffer holds
     *                                  ({@link LoopInfo#outputCapacity()}): they never could fit
     */
    boolean write(ByteBuffer src);

    /**
     * Queues {@code length} bytes of {@code src} from {@code offset}, all or nothing; see {@link #write(ByteBuffer)}.
     *
     * @param src    the array, not kept after the call
     * @param offset index of the first byte
     * @param length bytes to queue, at most {@link LoopInfo#outputCapacity()}
     * @return true when all were queued, false when none were, as for {@link #write(ByteBuffer)}
     */
    boolean write(byte[] src, int offset, int length);

    /**
     * Queues all of {@code src}, or nothing; see {@link #write(ByteBuffer)}.
     *
     * @param src the bytes, not kept after the call (a constant answer may be shared by every connection)
     * @return true when all were queued, false when none were, as for {@link #write(ByteBuffer)}
     */
    default boolean write(byte[] src) {
        return write(src, 0, src.length);
    }

    /**
     * Queues {@code length} bytes of {@code src} from index {@code offset}, all or nothing, leaving its position
     * and limit alone: a region of a shared, pre-encoded buffer goes out with no view made for it; see
     * {@link #write(ByteBuffer)}.
     *
     * @param src    the buffer, heap or direct, read-only or not; not kept after the call
     * @param offset index of the region's first byte
     * @param length bytes to queue, at most {@link LoopInfo#outputCapacity()}
     * @return true when all were queued, false when none were, as for {@link #write(ByteBuffer)}
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
     * @param src    the buffer, heap or direct, read-only or not; the connection holds it until {@code onSent}
     * @param offset index of the region's first byte
     * @param length bytes to send, however many
     * @return true when the connection holds the region; false, holding nothing, when it cannot send now:
     *         closing, leaving, not served by a loop (a blocking handler writes through its
     *         {@link BlockingConnection}), or still sending an earlier region (then
     *         {@link ConnectionHandler#onWritable} follows once that one is sent)
     * @throws IndexOutOfBoundsException if the region is not within {@code src}'s limit
     */
    boolean send(ByteBuffer src, int offset, int length);

    /** {@return whether a region {@link #send} took is still being sent} Writes are refused until it is. */
    boolean isSending();

    /**
     * Claims a task slot on a worker for a task of {@code taskType} (an id from {@link TaskRegistry}). Fill
     * the returned payload in place, then call {@link #commitTask()}; nothing else may happen in between.
     * With no workers the task runs on the loop itself, within {@code commitTask}.
     *
     * @param taskType what {@link TaskRegistry#register} returned for the task's {@link TaskType}
     * @return the zeroed payload to fill, or null when every worker's slots are taken or the loop has as
     *         many tasks in flight as it can take back: the protocol should answer "busy" (HTTP 503); null too
     *         when the connection is closed or leaving
     * @throws IllegalArgumentException if {@code taskType} was not registered
     * @throws IllegalStateException    if a claim is open, not yet committed
     */
    TaskPayload tryClaimTask(int taskType);

    /**
     * {@link #tryClaimTask(int)} on worker {@code worker} only, 0 to {@link LoopInfo#workers()} - 1: for state
     * sharded by worker, each shard touched by its worker's tasks alone (route a key with
     * {@code Math.floorMod(hash, workers)}), however the kernel spread the clients over the loops. With no
     * workers the task runs on the loop, as with any.
     *
     * @param taskType what {@link TaskRegistry#register} returned for the task's {@link TaskType}
     * @param worker   the worker to run it, 0 to {@link LoopInfo#workers()} - 1
     * @return the zeroed payload, or null when that worker's slots are all taken (another worker's free slots
     *         do not help) or the loop has as many tasks in flight as it can take back
     * @throws IllegalArgumentException if there is no such worker, or {@code taskType} was not registered
     * @throws IllegalStateException    if a claim is open, not yet committed
     */
    TaskPayload tryClaimTask(int taskType, int worker);

    /**
     * Publishes the claimed task to its worker. The loop calls {@link ConnectionHandler#onTaskDone} for this
     * connection when it has run, and keeps watching the socket meanwhile.
     *
     * @throws IllegalStateException if this connection holds no claim from {@link #tryClaimTask(int)}
     */
    void commitTask();

    /** {@return tasks of this connection committed and not yet done, 0 or more} The connection cannot leave till 0. */
    int tasksInFlight();

    /**
     * Hands the connection to a worker, to be served by {@code handler} with blocking reads and writes,
     * once this handler call has returned: it leaves the selector, becomes blocking, and its unconsumed
     * input and queued output go with it. When {@code handler} returns true, it comes back to its loop
     * ({@link ConnectionHandler#onArrived}, then {@link ConnectionHandler#onData} with any input left);
     * false closes it. Stop consuming input after a true answer.
     *
     * @param handler the code to serve it, on the worker's blocking thread or a virtual thread
     * @return true when it will go; false when it cannot go now (every worker's slots taken, a task in flight,
     *         already leaving, or not on its home loop): answer "busy" instead
     * @throws NullPointerException if {@code handler} is null
     */
    default boolean handOff(BlockingHandler handler) {
        return handOff(handler, 0);
    }

    /**
     * {@link #handOff(BlockingHandler)}, passing {@code argument} to the blocking handler
     * ({@link BlockingConnection#argument()}): an index, a length, a command code, whatever it needs to know.
     *
     * @param handler  the code to serve it, on the worker's blocking thread or a virtual thread
     * @param argument any value, passed as is
     * @return true when it will go; false when it cannot go now: see {@link #handOff(BlockingHandler)}
     * @throws NullPointerException if {@code handler} is null
     */
    boolean handOff(BlockingHandler handler, long argument);

    /**
     * Moves the connection into a worker's own event loop once this handler call has returned; the same
     * protocol (that worker's handler) serves it there, starting with {@link ConnectionHandler#onArrived}.
     *
     * @return true when it will go; false when it cannot go now (as for {@link #handOff}, or it is on a worker
     *         already)
     */
    boolean moveToWorker();

    /**
     * On a worker's event loop: sends the connection back to the loop that accepted it once this handler
     * call has returned.
     *
     * @return true when it will go; false when it is home already, has a task in flight or is closed
     */
    boolean moveHome();

    /**
     * Calls {@link ConnectionHandler#onTimer} in {@code delayMs} milliseconds (1 ms resolution) on the
     * thread serving the connection; replaces an earlier timer. A move or a hand-off cancels it. Ignored on a
     * closed connection.
     *
     * @param delayMs milliseconds from {@link #nowMs()}; 0 or less fires at the next tick, about 1 ms on
     */
    void setTimer(long delayMs);

    /**
     * Milliseconds of the serving thread's monotonic clock (not wall time), as read once per loop cycle when
     * its wait for events ended: what {@link #setTimer} counts from, and cheap enough to call per request.
     *
     * @return milliseconds from an arbitrary origin: compare two readings by subtraction
     */
    long nowMs();

    /**
     * {@link #nowMs()} in nanoseconds: the same read of the same clock, once per loop cycle (a blocking handler's
     * is read when asked), so it costs nothing per call. For durations finer than a millisecond between cycles: two
     * calls in one cycle give the same value. By default {@code nowMs()} in nanoseconds.
     *
     * @return nanoseconds from an arbitrary origin: compare two readings by subtraction
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
