package loopwork.core;

import java.nio.ByteBuffer;

/**
 * Protocol code for the connections of one event loop.
 *
 * <p>Not thread-safe: owned by its event loop. Every method is called on that loop's thread, one at a
 * time, with a connection that loop serves now. A handler keeps its per-connection state in an object
 * tied to the context with {@link Connection#attach}, made in the context's first {@link #onOpen} (when
 * {@link Connection#attachment()} is still null) and reused by its later connections, as the attachment
 * stays with the context: memory then follows the connections a loop held at once, not its capacity,
 * serving allocates nothing once they have come, and a worker's handler can serve a connection moved to it.
 *
 * <p>Input: {@link #onData} sees all unconsumed bytes of the connection between {@code in.position()} and
 * {@code in.limit()} and consumes by advancing the position. What it leaves is kept and shown again, with
 * more bytes appended, on the next call. It may stop consuming at any point (a task in flight, output
 * full): the loop calls {@code onData} again when a task completes, when queued output has drained, or
 * when more bytes arrive. While the input buffer is full and unconsumed, the loop stops reading.
 *
 * <p>Output: {@link Connection#write} queues bytes; the loop sends them when the handler returns. A write
 * that does not fit is refused, and {@link #onWritable} follows once the output drained. An answer larger than
 * the output buffer goes with {@link Connection#send}, which holds the region until sent ({@link #onSent}).
 */
@FunctionalInterface
public interface ConnectionHandler {

    /**
     * A connection was accepted into the context {@code connection}, on its accept loop.
     *
     * @param connection the context, open; its attachment is what the context's last connection left, null the
     *                   first time
     */
    default void onOpen(Connection connection) {
    }

    /**
     * Bytes are available in {@code in}, from its position to its limit; consume by advancing the position.
     *
     * @param connection the connection they came on, open
     * @param in         a direct buffer of at most {@link LoopInfo#inputCapacity()} bytes, valid only during the
     *                   call: read it anywhere between position and limit, advance the position, change nothing
     *                   else
     */
    void onData(Connection connection, ByteBuffer in);

    /**
     * A task this connection offloaded has run; its results are in {@code result}, valid only during this
     * call. Not called if the connection closed meanwhile. A protocol that offloads tasks must override it: the
     * default throws, which the kit counts and logs as a handler error ({@link #onFailure}) before it closes the
     * connection, so that a forgotten override shows in the log instead of dropping connections silently.
     *
     * @param connection the connection that committed the task, open
     * @param taskType   the task's type, as {@link TaskRegistry#register} returned it
     * @param result     the payload its {@link TaskType} filled, to read before returning: its slot is reused
     * @throws IllegalStateException by default, naming the handler and the task type
     */
    default void onTaskDone(Connection connection, int taskType, TaskPayload result) {
        throw new IllegalStateException(getClass().getName() + " offloaded a task of type " + taskType
                + " but does not override ConnectionHandler.onTaskDone to answer it");
    }

    /**
     * A task this connection offloaded threw on its worker, or was interrupted there: there is no result to
     * answer with. The default closes the connection.
     *
     * @param connection the connection that committed the task, open
     * @param taskType   the task's type, as {@link TaskRegistry#register} returned it
     */
    default void onTaskFailed(Connection connection, int taskType) {
        connection.close();
    }

    /**
     * The connection has arrived on this handler's thread: moved into a worker's loop, moved back home, or
     * given back by a blocking handler. {@link #onData} follows if input is waiting.
     *
     * @param connection the connection, open, served by this handler's thread from now on
     */
    default void onArrived(Connection connection) {
    }

    /**
     * Work this connection gave a worker (a task, or the connection itself handed off) waited for that
     * worker longer than the kit's queue timeout and was taken back before it started: the task did not
     * run, and the connection, open, is served by this handler's thread again (at home, for a hand-off).
     * Answer it now, as a busy server would (HTTP: 503). The default closes the connection.
     *
     * @param connection the connection whose work was taken back, open
     */
    default void onQueueTimeout(Connection connection) {
        connection.close();
    }

    /**
     * The connection's input buffer ({@link LoopInfo#inputCapacity()} bytes) is full of bytes this handler
     * left unconsumed, so nothing more can be read: a message too large to ever parse, or input held back
     * while the handler waits. Called right after the {@link #onData} that left it full, and after each
     * later one while it stays full. A handler waiting for something that will show it the input again (a
     * task, a timer, output draining) may return and keep waiting; otherwise it must consume, answer or
     * close, or the connection would wait forever. The default closes the connection. Counted in the
     * loop's stats either way.
     *
     * @param connection the connection whose input is full, open
     */
    default void onInputFull(Connection connection) {
        connection.close();
    }

    /**
     * The timer set with {@link Connection#setTimer} has expired; it is not set again unless this call does.
     *
     * @param connection the connection whose timer it was, open
     */
    default void onTimer(Connection connection) {
    }

    /**
     * Output that {@link Connection#write} refused earlier has drained: there is room again. {@link #onData}
     * follows with any input kept meanwhile.
     *
     * @param connection the connection whose write was refused, open
     */
    default void onWritable(Connection connection) {
    }

    /**
     * The region {@link Connection#send} held is all taken (copied or written: the buffer is the handler's
     * again), and the connection may send another. {@link #onData} follows with any input kept meanwhile.
     * Called on the thread serving the connection then, which may be a worker's loop if it moved.
     *
     * @param connection the connection that sent the region, open
     */
    default void onSent(Connection connection) {
    }

    /**
     * The peer has ended its input (a half-close) and every byte it sent has been through {@link #onData}:
     * answer what is still owed, then close. Called again each time the connection comes back to rest (a
     * task done, a timer, an arrival, output drained) while it stays open. The default closes once queued
     * output is sent; a protocol still answering (a task in flight) waits and closes when it is done.
     *
     * @param connection the connection whose peer ended its input, open
     */
    default void onInputEnded(Connection connection) {
        connection.closeAfterWrite();
    }

    /**
     * A call of this handler on this connection threw {@code error}, which the kit counts (the loop's or
     * worker's handler errors) and logs, rate-limited, through the {@link System.Logger} {@code
     * loopwork.handler}. The connection then closes: at once, dropping what the failed call had queued,
     * unless this method calls {@link Connection#closeAfterWrite()}, when what is queued goes out first, with
     * any last answer written here (HTTP's 500, when nothing of the request's answer was written). A trip to
     * a worker the failed call asked for is not taken. Not called when the failed call had closed the
     * connection, nor for {@link #onClose}. The default closes at once. Should not throw: if it does, the
     * connection closes at once.
     *
     * @param connection the connection the failed call was for, still open
     * @param error      what the call threw: a runtime exception, or an assertion, linkage, stack or heap error
     */
    default void onFailure(Connection connection, Throwable error) {
    }

    /**
     * The kit has begun to drain ({@link Kit#drain()}): it takes no new connections, and stops once the open ones
     * have closed or the drain's time is up, when it resets what is left. Called once for each open connection
     * this thread serves as the drain begins, or as it arrives here later. Close a connection that is between
     * messages; let the others finish their answer, say the connection ends if the protocol can ({@link
     * Connection#draining()}), and close after it. The default closes, once queued output is sent, a connection
     * with no task out and nothing unconsumed: right for a protocol where the client speaks first and each
     * message gets its answer before the next is read.
     *
     * @param connection a connection this thread serves, open
     */
    default void onDrain(Connection connection) {
        if (connection.tasksInFlight() == 0 && connection.unconsumedInput() == 0) {
            connection.closeAfterWrite();
        }
    }

    /**
     * The connection is closed, by either side; reset its per-connection state. Called exactly once, also when
     * the kit closes it ({@link Kit#close()}). Its timer is cancelled; a task still in flight finishes without
     * {@link #onTaskDone}.
     *
     * @param connection the context, closed: it goes back to its pool, attachment kept, once this returns
     */
    default void onClose(Connection connection) {
    }
}
