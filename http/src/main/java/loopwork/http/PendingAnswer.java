package loopwork.http;

import java.nio.ByteBuffer;

import loopwork.core.Connection;

/**
 * What is left to send of an answer that did not fit the connection's output when it was given, in order: a
 * copy in a body buffer (the head, and a body that could not be held where it lay), the route's own body region
 * sent as it is ({@link Connection#send}: copied once, into the output), or an array written a piece at a time
 * as the peer reads. Nothing is allocated; the body buffer goes back once its bytes are taken.
 *
 * <p>Not thread-safe: part of an {@link HttpExchange}, owned with it.
 */
final class PendingAnswer {

    /** Bytes of an array written per step: an output buffer takes several. */
    private static final int PIECE = 1024;

    private BodyBuffers pool;
    private int slot = -1;
    private int slotLength;
    private boolean slotSent;
    private ByteBuffer region;
    private int regionOffset;
    private int regionLength;
    private byte[] array;
    private int arrayOffset;
    private int arrayEnd;
    /** Whether the connection stays open once it is all out. */
    boolean keepAlive;

    /** Sends {@code length} bytes of body buffer {@code slot} of {@code pool} first; the slot is given back after. */
    void copied(BodyBuffers pool, int slot, int length) {
        this.pool = pool;
        this.slot = slot;
        slotLength = length;
        slotSent = false;
    }

    void region(ByteBuffer src, int offset, int length) {
        region = src;
        regionOffset = offset;
        regionLength = length;
    }

    void array(byte[] src, int offset, int length) {
        array = src;
        arrayOffset = offset;
        arrayEnd = offset + length;
    }

    boolean holdsBuffer() {
        return slot >= 0;
    }

    /** Sends what it can; true once everything is taken (the connection then waits for no onSent of ours). */
    boolean proceed(Connection connection) {
        if (connection.isSending()) {
            return false; // onSent follows
        }
        if (slot >= 0) {
            if (!slotSent) {
                slotSent = connection.send(pool.buffer(slot), 0, slotLength);
                return false;
            }
            release();
        }
        if (region != null) {
            boolean sent = connection.send(region, regionOffset, regionLength);
            if (sent) {
                region = null;
            }
            return false;
        }
        while (array != null && arrayOffset < arrayEnd) {
            int piece = Math.min(PIECE, arrayEnd - arrayOffset);
            if (!connection.write(array, arrayOffset, piece)) {
                return false; // onWritable follows once the output drained
            }
            arrayOffset += piece;
        }
        array = null;
        return true;
    }

    /** Drops what is left (the connection closed), giving the body buffer back. */
    void clear() {
        release();
        region = null;
        array = null;
    }

    private void release() {
        if (slot >= 0) {
            pool.release(slot);
            slot = -1;
        }
    }
}
