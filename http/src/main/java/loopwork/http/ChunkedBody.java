package loopwork.http;

import java.nio.ByteBuffer;

/**
 * Decodes a chunked request body (RFC 9112 7.1) as its bytes arrive, checking its framing: hex sizes,
 * extensions, CRLF after each size and each chunk, the last chunk, trailer fields, the final CRLF. A bad frame
 * must be caught even where the data is skipped, since it decides where the next request starts. The data is
 * shown where it lies ({@link #next}, {@link #available}, {@link #consume}), or skipped ({@link #skip}).
 *
 * <p>Not thread-safe: part of an {@link HttpExchange}, owned with it.
 */
final class ChunkedBody {

    /** {@link #skip} and {@link #next} results: done, more bytes needed, data to take, or minus a status. */
    static final int DONE = 1;
    static final int MORE = 0;
    static final int DATA_READY = 2;

    private static final int SIZE = 0;
    private static final int EXTENSION = 1;
    private static final int SIZE_LF = 2;
    private static final int DATA = 3;
    private static final int DATA_CR = 4;
    private static final int DATA_LF = 5;
    private static final int TRAILER_START = 6;
    private static final int TRAILER = 7;
    private static final int TRAILER_LF = 8;
    private static final int END_LF = 9;
    private static final int SIZE_BWS = 10;

    private int state;
    private int sizeDigits;
    private long chunkLeft;
    private long total;
    private boolean active;

    void start() {
        state = SIZE;
        sizeDigits = 0;
        chunkLeft = 0;
        total = 0;
        active = true;
    }

    boolean isActive() {
        return active;
    }

    void reset() {
        active = false;
    }

    /** Consumes what it can of the body from {@code in}, data and all. */
    int skip(ByteBuffer in, long maxBody) {
        int result;
        while ((result = next(in, maxBody)) == DATA_READY) {
            consume(in, available(in));
        }
        return result;
    }

    /** Bytes of chunk data at {@code in}'s position, after {@link #next} said {@link #DATA_READY}. */
    int available(ByteBuffer in) {
        return (int) Math.min(in.remaining(), chunkLeft);
    }

    /** Takes {@code n} bytes of the data shown at the position: at most {@link #available}. */
    void consume(ByteBuffer in, int n) {
        assert state == DATA && n <= chunkLeft;
        in.position(in.position() + n);
        chunkLeft -= n;
        if (chunkLeft == 0) {
            state = DATA_CR;
        }
    }

    /** Reads framing up to the next data, the body's end, or the end of what came. */
    int next(ByteBuffer in, long maxBody) {
        while (in.hasRemaining()) {
            if (state == DATA) {
                return DATA_READY;
            }
            byte c = in.get();
            switch (state) {
                case SIZE -> {
                    int digit = hex(c);
                    if (digit >= 0) {
                        if (++sizeDigits > 15) {
                            return -413;
                        }
                        chunkLeft = chunkLeft * 16 + digit;
                    } else if (sizeDigits == 0) {
                        return -400;
                    } else if (c == ';') {
                        state = EXTENSION;
                    } else if (c == ' ' || c == '\t') {
                        state = SIZE_BWS;
                    } else if (c == '\r') {
                        state = SIZE_LF;
                    } else {
                        return -400;
                    }
                }
                case SIZE_BWS -> { // whitespace after the size may only lead to an extension (or the line's end)
                    if (c == ';') {
                        state = EXTENSION;
                    } else if (c == '\r') {
                        state = SIZE_LF;
                    } else if (c != ' ' && c != '\t') {
                        return -400;
                    }
                }
                case EXTENSION -> {
                    if (c == '\r') {
                        state = SIZE_LF;
                    } else if (c != '\t' && (c >= 0 && c < 0x20 || c == 0x7F)) {
                        return -400;
                    }
                }
                case SIZE_LF -> {
                    if (c != '\n') {
                        return -400;
                    }
                    total += chunkLeft;
                    if (total > maxBody) {
                        return -413;
                    }
                    sizeDigits = 0;
                    state = chunkLeft == 0 ? TRAILER_START : DATA;
                }
                case DATA_CR -> {
                    if (c != '\r') {
                        return -400;
                    }
                    state = DATA_LF;
                }
                case DATA_LF -> {
                    if (c != '\n') {
                        return -400;
                    }
                    state = SIZE;
                }
                case TRAILER_START -> state = c == '\r' ? END_LF : trailerByte(c);
                case TRAILER -> state = c == '\r' ? TRAILER_LF : trailerByte(c);
                case TRAILER_LF -> {
                    if (c != '\n') {
                        return -400;
                    }
                    state = TRAILER_START;
                }
                case END_LF -> {
                    if (c != '\n') {
                        return -400;
                    }
                    active = false;
                    return DONE;
                }
                default -> {
                    return -400;
                }
            }
            if (state < 0) {
                return -400;
            }
        }
        return MORE;
    }

    /** A byte of a trailer field line; controls other than HT are malformed. */
    private static int trailerByte(byte c) {
        return c != '\t' && (c >= 0 && c < 0x20 || c == 0x7F) ? -1 : TRAILER;
    }

    private static int hex(byte c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
