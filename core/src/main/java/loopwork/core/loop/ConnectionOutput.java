package loopwork.core.loop;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A connection's output: what its handler writes during a call gathers in the serving thread's scratch,
 * which the socket usually takes whole when the call returns; only what it refuses moves to the connection's
 * own buffer, so a connection whose peer keeps up never touches its own output pages. A write that finds no
 * room is refused, and the handler is told when the output drains.
 *
 * <p>Not thread-safe: owned by the thread serving its connection, and passed on with the
 * {@link ConnectionContext} it belongs to.
 */
final class ConnectionOutput {

    private final ConnectionContext context;
    private final ByteBuffer out;
    private final long outAddress;
    /** Output the socket has not taken yet, kept in {@link #out} from 0. */
    private int pending;
    /** A write was refused; tell the handler when output drains. */
    private boolean blocked;

    ConnectionOutput(ConnectionContext context, ByteBuffer out, long outAddress) {
        this.context = context;
        this.out = out;
        this.outAddress = outAddress;
    }

    /** Before a handler call on {@code scope}: what it writes gathers in that thread's scratch. */
    void beginCall(IoScope scope) {
        scope.scratchOut.clear();
        scope.scratchOwner = context;
    }

    /**
     * After the handler call that began on {@code serving}: sends what it gathered while the connection is
     * open (and so still served there), then gives the scratch back.
     */
    void endCall(IoScope serving) {
        if (context.isServedBy(serving)) {
            flushScratch(serving);
        }
        serving.scratchOwner = null;
        serving.scratchOut.clear();
    }

    /**
     * True when {@code length} bytes can be queued now; may write to the socket to make room.
     *
     * @throws IllegalArgumentException if {@code length} can never fit the output buffer: refusing it would
     *                                  leave the handler waiting for room that never comes
     */
    boolean reserve(IoScope scope, int length) {
        if (length > out.capacity()) {
            scope.counters.oversizedWrites.increment();
            throw new IllegalArgumentException("a write of " + length + " bytes can never fit connection "
                    + context.id() + "'s output buffer of " + out.capacity() + " bytes");
        }
        if (usesScratch(scope)) {
            if (scope.scratchOut.position() + length <= out.capacity()) {
                return true;
            }
            flushScratch(scope);
            if (!context.isOpen()) {
                return false;
            }
            if (usesScratch(scope)) {
                return true; // the socket took all of it
            }
        }
        if (out.capacity() - pending < length) {
            flush(scope);
            if (!context.isOpen()) {
                return false;
            }
        }
        if (out.capacity() - pending < length) {
            blocked = true;
            return false;
        }
        return true;
    }

    boolean write(IoScope scope, ByteBuffer src) {
        int length = src.remaining();
        if (!reserve(scope, length)) {
            return false;
        }
        target(scope).put(src);
        afterPut(scope, length);
        return true;
    }

    boolean write(IoScope scope, byte[] src, int offset, int length) {
        if (!reserve(scope, length)) {
            return false;
        }
        target(scope).put(src, offset, length);
        afterPut(scope, length);
        return true;
    }

    /** Output goes to the loop's scratch while this connection's handler runs and nothing waits before it. */
    private boolean usesScratch(IoScope scope) {
        return scope.scratchOwner == context && pending == 0;
    }

    private ByteBuffer target(IoScope scope) {
        if (usesScratch(scope)) {
            return scope.scratchOut;
        }
        out.limit(out.capacity()).position(pending);
        return out;
    }

    private void afterPut(IoScope scope, int length) {
        if (!usesScratch(scope)) {
            pending += length;
        }
    }

    /** Writes what the handler gathered in scratch; the remainder moves to this connection's own buffer. */
    private void flushScratch(IoScope scope) {
        ByteBuffer scratch = scope.scratchOut;
        if (scratch.position() == 0) {
            return;
        }
        scratch.flip();
        if (scope.poller.write(context.home.index, context.id(), scratch, scope.scratchOutAddress,
                context.closesAfterWrite()) < 0) {
            scratch.clear();
            context.close();
            return;
        }
        if (scratch.hasRemaining()) {
            out.clear();
            out.put(scratch);
            pending = out.position();
        }
        scratch.clear();
    }

    /** Writes this connection's own pending output; true when all of it is gone (false also when it closed). */
    boolean flush(IoScope scope) {
        if (pending == 0) {
            return true;
        }
        out.limit(pending).position(0);
        if (scope.poller.write(context.home.index, context.id(), out, outAddress, context.closesAfterWrite()) < 0) {
            context.close();
            return false;
        }
        out.compact();
        pending = out.position();
        return pending == 0;
    }

    /** On a worker, before a blocking handler runs: sends what the loop left unsent, waiting while it must. */
    void sendBlocking(BlockingSession session) throws IOException {
        out.limit(pending).position(0);
        session.writeAll(out, outAddress);
        pending = 0;
    }

    /** Bytes waiting for the socket to take them. */
    int pending() {
        return pending;
    }

    /** A write was refused and the output has not drained since: the handler waits to be told. */
    boolean isBlocked() {
        return blocked;
    }

    /** The output drained: returns whether a refused handler waits to hear it, and forgets that it does. */
    boolean unblock() {
        boolean was = blocked;
        blocked = false;
        return was;
    }

    /** The connection closed: drops what it gathered in {@code scope}'s scratch (if any scope) and what it kept. */
    void discard(IoScope scope) {
        if (scope != null && scope.scratchOwner == context) {
            scope.scratchOut.clear();
        }
        pending = 0;
        blocked = false;
    }
}
