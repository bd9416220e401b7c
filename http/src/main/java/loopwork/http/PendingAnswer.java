package loopwork.http;

import java.nio.ByteBuffer;

import loopwork.core.Connection;

/**
 * What is left to send of an answer that did not fit the connection's output when it was given, in order: a
 * copy in a body buffer (the head, and a body that could not be held where it lay), the route's own body region
 * sent as it is ({@link Connection#send}: copied once, into the output), or an array written a piece at a time
 * as the peer reads. Nothing is allocated; the body buffer goes back once its bytes are taken. Or, for a body
 * the route writes in pieces ({@link HttpAnswer#beginBody}), what it still owes, and each piece's chunk framing.
 *
 * <p>Not thread-safe: part of an {@link HttpExchange}, owned with it.
 */
final class PendingAnswer {

    /** Bytes of an array written per step: an output buffer takes several. */
    private static final int PIECE = 1024;
    /** What a body written in pieces owes, when it is not a count of bytes: none begun, chunked, until the close. */
    private static final long NO_STREAM = -2;
    static final long CHUNKED = -1;
    static final long UNTIL_CLOSE = -3;
    /** A chunk's framing at most: a size line of up to 8 hex digits and CRLF, and the CRLF after its data. */
    private static final int MAX_FRAMING = 12;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};

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
    /** A body written in pieces: the bytes it still owes, or one of the three above. */
    private long streamLeft = NO_STREAM;

    /**
     * Sends first a copy of {@code head}'s first {@code headLength} bytes, and of {@code length} bytes of
     * {@code moving} from {@code offset} unless it is null (a body lying where it may move), in a body buffer of
     * {@code pool}, which is given back once they are taken; false, holding nothing, when none is free.
     */
    boolean copyFirst(BodyBuffers pool, ByteBuffer head, int headLength, ByteBuffer moving, int offset, int length) {
        int copy = headLength + (moving == null ? 0 : length);
        int claimed = pool.claim(copy);
        if (claimed < 0) {
            return false;
        }
        ByteBuffer copyTo = pool.buffer(claimed).clear();
        copyTo.put(0, head, 0, headLength);
        if (moving != null) {
            copyTo.put(headLength, moving, offset, length);
        }
        this.pool = pool;
        slot = claimed;
        slotLength = copy;
        slotSent = false;
        return true;
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
        streamLeft = NO_STREAM;
    }

    /** A body written in pieces begins, owing {@code left} bytes, or {@link #CHUNKED} or {@link #UNTIL_CLOSE}. */
    void stream(long left) {
        streamLeft = left;
    }

    /** Whether a body is being written in pieces: the handler passes onWritable on to its route. */
    boolean streaming() {
        return streamLeft != NO_STREAM;
    }

    /** The largest piece one output buffer of {@code outputCapacity} bytes takes with its chunk framing. */
    int largestPiece(int outputCapacity) {
        return outputCapacity - (streamLeft == CHUNKED ? MAX_FRAMING : 0);
    }

    /**
     * Writes a piece of a body written in pieces, as a chunk if chunked, its framing assembled in {@code frame};
     * false, with nothing written, when the output has no room for it now.
     */
    boolean writePiece(Connection connection, ByteBuffer frame, int outputCapacity, ByteBuffer src, int offset,
            int length) {
        if (streamLeft >= 0 && length > streamLeft) {
            throw new IllegalStateException("more body than the length announced");
        }
        int frameLength = streamLeft == CHUNKED ? sizeLine(frame, length) : 0;
        int needed = frameLength + length + (streamLeft == CHUNKED ? 2 : 0);
        if (needed > outputCapacity) {
            throw new IllegalArgumentException("a piece of " + length + " bytes can never fit the output buffer of "
                    + outputCapacity + " bytes: write it in smaller pieces");
        }
        if (!connection.canWrite(needed)) {
            return false;
        }
        connection.write(frame, 0, frameLength);
        connection.write(src, offset, length);
        if (streamLeft == CHUNKED) {
            connection.write(CRLF);
        } else if (streamLeft > 0) {
            streamLeft -= length;
        }
        return true;
    }

    /** Ends a body written in pieces (the last chunk, if chunked); false when the output has no room for it now. */
    boolean endStream(Connection connection) {
        if (streamLeft > 0) {
            throw new IllegalStateException(streamLeft + " bytes of body announced and not written");
        }
        if (streamLeft == CHUNKED && !connection.write(LAST_CHUNK)) {
            return false;
        }
        streamLeft = NO_STREAM;
        return true;
    }

    /** A chunk's size line, hexadecimal digits and CRLF, into {@code frame} from 0; returns its length. */
    private static int sizeLine(ByteBuffer frame, int length) {
        int digits = (32 - Integer.numberOfLeadingZeros(length) + 3) / 4;
        for (int i = digits - 1; i >= 0; i--) {
            frame.put(i, (byte) Character.forDigit(length >>> (4 * (digits - 1 - i)) & 0xF, 16));
        }
        frame.put(digits, (byte) '\r').put(digits + 1, (byte) '\n');
        return digits + 2;
    }

    private void release() {
        if (slot >= 0) {
            pool.release(slot);
            slot = -1;
        }
    }
}
