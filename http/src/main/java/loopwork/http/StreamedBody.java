package loopwork.http;

import java.nio.ByteBuffer;

import loopwork.core.Connection;

/**
 * The body of an answer a route writes in pieces ({@link HttpAnswer#beginBody}): how much of the length it
 * announced is still owed, or that each piece goes as a chunk, or out until the close (an HTTP/1.0 client's, for
 * a body of unknown length); and each piece's framing, written with it into the output.
 *
 * <p>Not thread-safe: part of an {@link HttpExchange}, owned with it.
 */
final class StreamedBody {

    static final long NONE = -2;
    static final long CHUNKED = -1;
    static final long UNTIL_CLOSE = -3;
    /** A chunk's framing at most: a size line of up to 8 hex digits and CRLF, and the CRLF after its data. */
    private static final int MAX_FRAMING = 12;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = {'0', '\r', '\n', '\r', '\n'};

    /** {@link #NONE} when no body is being written, {@link #CHUNKED}, {@link #UNTIL_CLOSE}, else the bytes owed. */
    private long left = NONE;

    boolean active() {
        return left != NONE;
    }

    void begin(long bytesOrFraming) {
        left = bytesOrFraming;
    }

    void clear() {
        left = NONE;
    }

    void checkBegun() {
        if (left == NONE) {
            throw new IllegalStateException("no body begun");
        }
    }

    /**
     * Writes {@code length} bytes of {@code src} from {@code offset}, as one chunk if chunked; with {@code part},
     * only as many as one output buffer takes with their framing. All or nothing of that.
     *
     * @return the bytes written: 0 when the output has no room for them now (the handler hears when it has)
     */
    int write(Connection connection, ByteBuffer frame, int outputCapacity, ByteBuffer src, int offset, int length,
            boolean part) {
        checkBegun();
        if (left >= 0 && length > left) {
            throw new IllegalStateException("more body than the length announced");
        }
        boolean chunked = left == CHUNKED;
        int n = part ? Math.min(length, outputCapacity - (chunked ? MAX_FRAMING : 0)) : length;
        if (n == 0) {
            return 0;
        }
        int frameLength = chunked ? hex(frame.clear(), n) : 0;
        int needed = frameLength + n + (chunked ? CRLF.length : 0);
        if (needed > outputCapacity) {
            throw new IllegalArgumentException("a piece of " + n + " bytes can never fit the output buffer of "
                    + outputCapacity + " bytes: write it in smaller pieces, or with writeBodyPart");
        }
        if (!connection.canWrite(needed)) {
            return 0;
        }
        connection.write(frame, 0, frameLength);
        connection.write(src, offset, n);
        if (chunked) {
            connection.write(CRLF);
        } else if (left > 0) {
            left -= n;
        }
        return n;
    }

    /** Ends the body: the last chunk, if chunked; false when the output has no room for it now. */
    boolean end(Connection connection) {
        checkBegun();
        if (left > 0) {
            throw new IllegalStateException(left + " bytes of body announced and not written");
        }
        if (left == CHUNKED && !connection.write(LAST_CHUNK)) {
            return false;
        }
        left = NONE;
        return true;
    }

    private static int hex(ByteBuffer frame, int length) {
        int digits = (32 - Integer.numberOfLeadingZeros(length) + 3) / 4;
        for (int i = digits - 1; i >= 0; i--) {
            frame.put(i, (byte) Character.forDigit(length >>> (4 * (digits - 1 - i)) & 0xF, 16));
        }
        frame.put(digits, (byte) '\r').put(digits + 1, (byte) '\n');
        return digits + 2;
    }
}
