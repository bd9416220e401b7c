package loopwork.core.loop;

import java.nio.ByteBuffer;

import loopwork.core.BlockingHandler;
import loopwork.core.TaskPayload;

/**
 * What a thread serving connections does when a handler acts on one: the side of each {@link
 * loopwork.core.Connection} method that changes more than the connection's own record. A loop's driver
 * serves them one way, a worker's blocking side (while a blocking handler holds the connection) another.
 * {@link ConnectionContext} calls the one serving it now, for an open connection.
 *
 * <p>Implementations are owned by their thread; every method is called on it.
 */
interface ConnectionActions {

    /** Whether the calling thread is the one these actions belong to. */
    boolean inOwnerThread();

    boolean canWrite(ConnectionContext context, int length);

    boolean write(ConnectionContext context, ByteBuffer src);

    boolean write(ConnectionContext context, byte[] src, int offset, int length);

    /** Copies the region, all or nothing. */
    boolean write(ConnectionContext context, ByteBuffer src, int offset, int length);

    /** Holds the region until it is sent; false when the connection cannot send now. */
    boolean send(ConnectionContext context, ByteBuffer src, int offset, int length);

    /** {@code worker}: the one to run it, or -1 for any. */
    TaskPayload tryClaimTask(ConnectionContext context, int taskType, int worker);

    void commitTask(ConnectionContext context);

    boolean handOff(ConnectionContext context, BlockingHandler handler);

    boolean moveToWorker(ConnectionContext context);

    boolean moveHome(ConnectionContext context);

    void setTimer(ConnectionContext context, long delayMs);

    void cancelTimer(ConnectionContext context);

    long nowMs();

    /** Whether the serving thread's loop is draining. */
    boolean draining();

    long nowNs();

    /** Closes the connection, or notes the close for when it can be done; a reset if the context asked for one. */
    void close(ConnectionContext context);
}
