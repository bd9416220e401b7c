package loopwork.core.loop;

import java.io.PrintStream;
import java.nio.ByteBuffer;

import loopwork.core.ConnectionHandler;
import loopwork.core.metrics.Counter;

/**
 * What a thread that serves connections lends to the connection it is serving: the protocol handler made
 * for this thread, the scratch buffers every read and every answer go through first, its task offload and
 * its timers. An accept loop has one for the connections it accepted, a worker one for those moved to it.
 *
 * <p>Not thread-safe: owned by its loop (accept loop or worker).
 */
final class IoScope {
    final SelectorLoop loop;
    final ConnectionHandler handler;
    /** Reads land here when a connection holds no partial input, so idle connections never touch their own pages. */
    final ByteBuffer scratchIn;
    /** Answers are gathered here and written when the handler returns; what the socket refuses moves to the context. */
    final ByteBuffer scratchOut;
    final PrintStream log;
    final Counter handlerErrors;
    final TimerWheel timers;
    TaskOffload offload;
    /** The connection whose handler call runs now and owns {@link #scratchOut}, or null. */
    ConnectionContext scratchOwner;

    IoScope(SelectorLoop loop, ConnectionHandler handler, int inputCapacity, int outputCapacity, PrintStream log,
            Counter handlerErrors) {
        this.loop = loop;
        this.handler = handler;
        this.scratchIn = ByteBuffer.allocateDirect(inputCapacity);
        this.scratchOut = ByteBuffer.allocateDirect(outputCapacity);
        this.log = log;
        this.handlerErrors = handlerErrors;
        this.timers = new TimerWheel(SelectorLoop.nowMs(), ConnectionContext::onTimer);
    }

    void handlerFailed(ConnectionContext context, Throwable error) {
        handlerErrors.increment();
        if (log != null) {
            log.println(loop.name() + ": handler failed on connection " + context.id() + ": " + error);
        }
        context.close();
    }
}
