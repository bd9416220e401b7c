package loopwork.core.loop;

import loopwork.core.transport.Poller;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A serving thread's way of reading its connections: a connection holding no partial input reads into this
 * thread's scratch, so idle connections never touch their own pages; only what its handler leaves unconsumed
 * moves to the connection's own buffer ({@link ConnectionContext#in}), where the next read appends.
 *
 * <p>Not thread-safe: owned by its serving thread, like the connections it reads for.
 */
final class ConnectionInput {

    private final Poller poller;
    private final ByteBuffer scratch;
    private final long scratchAddress;

    ConnectionInput(Poller poller, int capacity) {
        this.poller = poller;
        this.scratch = ByteBuffer.allocateDirect(capacity);
        this.scratchAddress = MemorySegment.ofBuffer(scratch).address();
    }

    /** The scratch, free between reads: an accept loop reads a refused connection's first bytes into it. */
    ByteBuffer scratch() {
        return scratch;
    }

    long scratchAddress() {
        return scratchAddress;
    }

    /**
     * Reads what arrived, after what the connection kept: bytes read (then {@link #data} holds all the input to
     * show), 0 when nothing was waiting, {@link Poller#END} or {@link Poller#FAILED}.
     */
    int read(ConnectionContext context) {
        ByteBuffer target;
        long address;
        if (context.inPending == 0) {
            target = scratch;
            address = scratchAddress;
            target.clear();
        } else {
            target = context.in;
            address = context.inAddress;
            target.limit(target.capacity()).position(context.inPending);
        }
        int read = poller.read(context.home, context.id, target, address);
        context.lastRead = read;
        if (read > 0) {
            target.flip();
        }
        return read;
    }

    /** After a read of {@code > 0} bytes: the input to show the handler, from its start. */
    ByteBuffer data(ConnectionContext context) {
        return context.inPending == 0 ? scratch : context.in;
    }

    /** Input the connection kept from earlier, from its start, to show the handler again; null if none. */
    ByteBuffer pending(ConnectionContext context) {
        if (context.inPending == 0) {
            return null;
        }
        context.in.limit(context.inPending).position(0);
        return context.in;
    }

    /**
     * After {@code onData}: keeps what the handler left of {@code data} in the connection's own buffer. Returns
     * true when that buffer is now full and nothing will show it to the handler again (no task in flight, no
     * output to drain, no timer): the connection would hang, and the handler must be told.
     */
    boolean keepUnconsumed(ConnectionContext context, ByteBuffer data) {
        ByteBuffer in = context.in;
        int left = context.closeAfterWrite ? 0 : data.remaining();
        if (left == 0) {
            context.inPending = 0;
        } else if (data != in) {
            in.clear();
            in.put(data);
            context.inPending = left;
        } else if (data.position() > 0) {
            in.compact();
            context.inPending = left;
        } else {
            context.inPending = left;
        }
        return context.inPending == in.capacity() && !context.closeAfterWrite && !context.isLeaving()
                && context.tasksInFlight == 0 && !context.outBlocked && context.timerDeadlineMs < 0
                && context.sendSource == null && !context.sentOwed;
    }
}
