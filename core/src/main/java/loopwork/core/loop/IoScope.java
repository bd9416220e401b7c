package loopwork.core.loop;

import java.io.PrintStream;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import loopwork.core.ConnectionHandler;
import loopwork.core.metrics.Counter;
import loopwork.core.transport.Poller;

/**
 * What a thread that serves connections lends to the connection it is serving: the protocol handler made
 * for this thread, the scratch buffers every read and every answer go through first, its task offload and
 * its timers. An accept loop has one for the connections it accepted, a worker one for those moved to it.
 *
 * <p>Not thread-safe: owned by its loop (accept loop or worker): {@link EventLoop#inLoop()} of {@link #loop}.
 */
final class IoScope {
    final EventLoop loop;
    /** The loop's poller, whose thread-owned system-call scratch every socket call on this thread uses. */
    final Poller poller;
    final ConnectionHandler handler;
    /** Reads land here when a connection holds no partial input, so idle connections never touch their own pages. */
    final ByteBuffer scratchIn;
    /** Answers are gathered here and written when the handler returns; what the socket refuses moves to the context. */
    final ByteBuffer scratchOut;
    /** Base addresses of the scratch buffers, for the epoll transport's reads and writes. */
    final long scratchInAddress;
    final long scratchOutAddress;
    final PrintStream log;
    final Counter handlerErrors;
    final ScopeCounters counters;
    final TimerWheel timers;
    /** Where this thread's handlers offload tasks; null on a worker's blocking side, which offloads none. */
    TaskOffload offload;
    /** The connection whose handler call runs now and owns {@link #scratchOut}, or null. */
    ConnectionContext scratchOwner;

    IoScope(EventLoop loop, ConnectionHandler handler, int inputCapacity, int outputCapacity, PrintStream log,
            ScopeCounters counters) {
        this.loop = loop;
        this.poller = loop.poller;
        this.handler = handler;
        this.scratchIn = ByteBuffer.allocateDirect(inputCapacity);
        this.scratchOut = ByteBuffer.allocateDirect(outputCapacity);
        this.scratchInAddress = MemorySegment.ofBuffer(scratchIn).address();
        this.scratchOutAddress = MemorySegment.ofBuffer(scratchOut).address();
        this.log = log;
        this.counters = counters;
        this.handlerErrors = counters.handlerErrors;
        this.timers = new TimerWheel(EventLoop.nowMs(), ConnectionContext::onTimer, loop);
    }

    /**
     * The handler's {@code call} on {@code context} threw: counted, logged, and the connection closed, after
     * the last answer the handler's {@link loopwork.core.ConnectionHandler#onFailure} queues, if any.
     */
    void handlerFailed(ConnectionContext context, String call, Throwable error) {
        context.failedCall(error);
        failed(context.id(), call, error); // after: a failure of onFailure itself is logged with it, as suppressed
    }

    /**
     * Counts and logs a failure of protocol code on connection {@code id}: by default through the rate-limited
     * {@link EventLoop#handlerFailures}, and each one on the debug output too, when there is one. The
     * message is built only when it is written.
     */
    void failed(int id, String call, Throwable error) {
        handlerErrors.increment();
        if (log != null) {
            log.println(loop.name() + ": handler failed in " + call + " on connection " + id + ": " + error);
        }
        if (loop.handlerFailures.tryAcquire()) {
            loop.handlerFailures.log(loop.name() + ": handler failed in " + call + " on connection " + id, error);
        }
    }
}
