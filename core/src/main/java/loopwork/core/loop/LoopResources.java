package loopwork.core.loop;

import java.io.PrintStream;
import java.nio.ByteBuffer;

import loopwork.core.ConnectionHandler;

/**
 * What the contexts of one loop share: the protocol handler, the scratch buffers that every read and
 * every answer go through first, the pool, the task offload and the counters.
 *
 * <p>Not thread-safe: owned by its event loop.
 */
final class LoopResources {
    final int index;
    final ConnectionHandler handler;
    final LoopStats stats;
    /** Reads land here when a connection holds no partial input, so idle connections never touch their own pages. */
    final ByteBuffer scratchIn;
    /** Answers are gathered here and written when the handler returns; what the socket refuses moves to the context. */
    final ByteBuffer scratchOut;
    final int inputCapacity;
    final int outputCapacity;
    /** Debug output, or null when not verbose. */
    final PrintStream log;
    ConnectionPool pool;
    TaskOffload offload;
    /** The connection whose handler call runs now and owns {@link #scratchOut}, or null. */
    ConnectionContext scratchOwner;

    LoopResources(int index, ConnectionHandler handler, int capacity, int inputCapacity, int outputCapacity,
            PrintStream log) {
        this.index = index;
        this.handler = handler;
        this.stats = new LoopStats(capacity);
        this.inputCapacity = inputCapacity;
        this.outputCapacity = outputCapacity;
        this.scratchIn = ByteBuffer.allocateDirect(inputCapacity);
        this.scratchOut = ByteBuffer.allocateDirect(outputCapacity);
        this.log = log;
    }

    void handlerFailed(ConnectionContext context, Throwable error) {
        stats.handlerErrors.increment();
        if (log != null) {
            log.println("loop " + index + ": handler failed on connection " + context.id() + ": " + error);
        }
        context.close();
    }
}
