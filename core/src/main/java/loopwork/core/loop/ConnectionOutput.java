package loopwork.core.loop;

import loopwork.core.transport.Poller;
import java.nio.ByteBuffer;

/**
 * A serving thread's way of writing its connections' output: what a handler writes during a call gathers in
 * this thread's scratch, which the socket usually takes whole when the call returns; only what it refuses moves
 * to the connection's own buffer ({@link ConnectionContext#out}), so a connection whose peer keeps up never
 * touches its own output pages. A write that finds no room is refused, and the handler is told when the output
 * drains. A write the socket fails closes the connection.
 *
 * <p>A region {@linkplain loopwork.core.Connection#send sent} is not copied when the handler asks: the connection
 * holds it, and each time its own buffer has drained, the next chunk of it is copied there and written, so
 * that each byte is copied once, however large the region and however slowly the peer reads. Output written
 * after it is refused until the whole region is taken.
 *
 * <p>Not thread-safe: owned by its serving thread, like the connections it writes for.
 */
final class ConnectionOutput {

    private final Poller poller;
    private final ByteBuffer scratch;
    private final long scratchAddress;
    private final ScopeCounters counters;
    private ConnectionCloser closer;
    /** The connection whose handler call runs now and owns {@link #scratch}, or null. */
    private ConnectionContext scratchOwner;

    ConnectionOutput(Poller poller, int capacity, ScopeCounters counters) {
        this.poller = poller;
        this.scratch = ByteBuffer.allocateDirect(capacity);
        this.scratchAddress = java.lang.foreign.MemorySegment.ofBuffer(scratch).address();
        this.counters = counters;
    }

    /** Set once, as the serving thread is put together. */
    void closer(ConnectionCloser closer) {
        this.closer = closer;
    }

    /** Before a handler call: what it writes gathers in this thread's scratch. */
    void beginCall(ConnectionContext context) {
        scratch.clear();
        scratchOwner = context;
    }

    /** Whether a handler call on {@code context} runs now on this thread (between begin and end). */
    boolean inCall(ConnectionContext context) {
        return scratchOwner == context;
    }

    /**
     * After a handler call: sends what it gathered, if {@code stillServed} (the call did not close it or send
     * it away), then gives the scratch back.
     */
    void endCall(ConnectionContext context, boolean stillServed) {
        if (stillServed) {
            flushScratch(context);
            if (context.sendSource != null && context.state == ConnectionContext.OPEN) {
                flush(context); // a region sent in the call, or one that came along on a trip
            }
        }
        endAnyCall();
    }

    /** The connection whose handler call runs now, or null. */
    ConnectionContext callOwner() {
        return scratchOwner;
    }

    /** A call cut short by a failure in the kit is over: nobody owns the scratch. */
    void endAnyCall() {
        scratchOwner = null;
        scratch.clear();
    }

    /**
     * True when {@code length} bytes can be queued now; may write to the socket to make room.
     *
     * @throws IllegalArgumentException if {@code length} can never fit the output buffer: refusing it would
     *                                  leave the handler waiting for room that never comes
     */
    boolean reserve(ConnectionContext context, int length) {
        ByteBuffer out = context.out;
        if (length > out.capacity()) {
            counters.oversizedWrites.increment();
            throw new IllegalArgumentException("a write of " + length + " bytes can never fit connection "
                    + context.id + "'s output buffer of " + out.capacity() + " bytes");
        }
        if (context.sendSource != null) {
            context.outBlocked = true; // after the region it holds: told once that is sent
            return false;
        }
        if (usesScratch(context)) {
            if (scratch.position() + length <= out.capacity()) {
                return true;
            }
            flushScratch(context);
            if (context.state != ConnectionContext.OPEN) {
                return false;
            }
            if (usesScratch(context)) {
                return true; // the socket took all of it
            }
        }
        if (out.capacity() - context.outPending < length) {
            flush(context);
            if (context.state != ConnectionContext.OPEN) {
                return false;
            }
        }
        if (out.capacity() - context.outPending < length && context.outStart > 0) {
            out.limit(context.outPending).position(context.outStart);
            out.compact(); // a small write's room: what a partial write left moves to the start
            context.outPending -= context.outStart;
            context.outStart = 0;
        }
        if (out.capacity() - context.outPending < length) {
            context.outBlocked = true;
            return false;
        }
        return true;
    }

    /** Holds {@code src}'s region until it is all taken; false, to hear when it may, while one is held. */
    boolean send(ConnectionContext context, ByteBuffer src, int offset, int length) {
        if (context.sendSource != null) {
            context.outBlocked = true;
            return false;
        }
        context.sendSource = src;
        context.sendNext = offset;
        context.sendEnd = offset + length;
        return true; // sent from endCall, after what the call wrote before
    }

    boolean write(ConnectionContext context, ByteBuffer src, int offset, int length) {
        if (!reserve(context, length)) {
            return false;
        }
        ByteBuffer target = target(context);
        int at = target.position();
        target.put(at, src, offset, length).position(at + length);
        afterPut(context, length);
        return true;
    }

    boolean write(ConnectionContext context, ByteBuffer src) {
        int length = src.remaining();
        if (!reserve(context, length)) {
            return false;
        }
        target(context).put(src);
        afterPut(context, length);
        return true;
    }

    boolean write(ConnectionContext context, byte[] src, int offset, int length) {
        if (!reserve(context, length)) {
            return false;
        }
        target(context).put(src, offset, length);
        afterPut(context, length);
        return true;
    }

    /** Output goes to the scratch while this connection's handler runs and nothing waits before it. */
    private boolean usesScratch(ConnectionContext context) {
        return scratchOwner == context && context.outPending == 0;
    }

    private ByteBuffer target(ConnectionContext context) {
        if (usesScratch(context)) {
            return scratch;
        }
        ByteBuffer out = context.out;
        out.limit(out.capacity()).position(context.outPending);
        return out;
    }

    private void afterPut(ConnectionContext context, int length) {
        if (!usesScratch(context)) {
            context.outPending += length;
        }
    }

    /** Writes what the handler gathered in scratch; the remainder moves to the connection's own buffer. */
    private void flushScratch(ConnectionContext context) {
        if (scratch.position() == 0) {
            return;
        }
        scratch.flip();
        if (poller.write(context.home, context.id, scratch, scratchAddress, context.closeAfterWrite) < 0) {
            scratch.clear();
            closer.close(context);
            return;
        }
        if (scratch.hasRemaining()) {
            ByteBuffer out = context.out;
            out.clear();
            out.put(scratch);
            context.outPending = out.position();
            context.outStart = 0;
        }
        scratch.clear();
    }

    /**
     * Writes the connection's own pending output, then the region it holds, a chunk at a time; true when all of
     * it is gone (false also when it closed).
     */
    boolean flush(ConnectionContext context) {
        ByteBuffer out = context.out;
        for (;;) {
            if (context.outPending > 0) {
                out.limit(context.outPending).position(context.outStart);
                boolean last = context.closeAfterWrite && context.sendSource == null;
                if (poller.write(context.home, context.id, out, context.outAddress, last) < 0) {
                    closer.close(context);
                    return false;
                }
                if (out.hasRemaining()) {
                    context.outStart = out.position();
                    return false;
                }
                context.outPending = 0;
                context.outStart = 0;
            }
            if (context.sendSource == null) {
                return true;
            }
            fillFromSend(context);
        }
    }

    /**
     * Copies the next chunk of the held region into the connection's drained output buffer; once the region is
     * all taken, lets it go and owes the handler its {@code onSent}.
     */
    static void fillFromSend(ConnectionContext context) {
        assert context.outPending == 0 && context.sendSource != null;
        ByteBuffer out = context.out;
        int chunk = Math.min(out.capacity(), context.sendEnd - context.sendNext);
        out.limit(out.capacity()).put(0, context.sendSource, context.sendNext, chunk);
        context.outPending = chunk;
        context.sendNext += chunk;
        if (context.sendNext == context.sendEnd) {
            context.sendSource = null; // the handler's buffer is its own again
            context.sentOwed = true;
        }
    }

    /** The output drained: returns whether a refused handler waits to hear it, and forgets that it does. */
    boolean unblock(ConnectionContext context) {
        boolean was = context.outBlocked;
        context.outBlocked = false;
        return was;
    }

    /** The connection closed: drops what it gathered in the scratch, if its call runs now, and what it kept. */
    void discard(ConnectionContext context) {
        if (scratchOwner == context) {
            scratch.clear();
        }
        drop(context);
    }

    /** Forgets the connection's output: what it kept, the region it held, and what it was owed. */
    static void drop(ConnectionContext context) {
        context.outPending = 0;
        context.outStart = 0;
        context.outBlocked = false;
        context.sendSource = null;
        context.sentOwed = false;
    }
}
