package loopwork.http;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import loopwork.core.Bytes;

/**
 * Parses a request head in place, where the bytes lie in the connection's input, into the fields of an
 * {@link HttpExchange}: no copies, no strings. Request line and fields follow RFC 9112's syntax: a token
 * method, a target of visible characters, {@code HTTP/1.x}, fields as {@code token ":" OWS value OWS} with
 * no whitespace before the colon, no obs-fold, and no control characters; lines end in CRLF (a bare LF is
 * accepted as the RFC allows, a bare CR is not). What the fields the server acts on mean is read by
 * {@link KnownFields}.
 *
 * <p>Thread-safe: stateless.
 */
final class RequestParser {

    /** {@link #parse} results below zero are minus an HTTP status; zero means "need more bytes". */
    static final int INCOMPLETE = 0;

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte SP = ' ';
    private static final byte HT = '\t';
    private static final boolean[] TCHAR = new boolean[128];

    static {
        for (char c = '0'; c <= '9'; c++) {
            TCHAR[c] = true;
        }
        for (char c = 'a'; c <= 'z'; c++) {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TCHAR[c] = true;
        }
    }

    /**
     * Eight bytes of the input at once, the first in the lowest byte whatever the buffer's order: the target
     * and field values, most of a head's bytes, are scanned a word at a time (SWAR). The masks below set a
     * byte's high bit where it matches; each is exact per byte, as no sum carries into the next byte.
     */
    private static final VarHandle WORD = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long LOWS = 0x7F7F7F7F7F7F7F7FL;
    private static final long HIGHS = 0x8080808080808080L;

    private static final byte[] HTTP_SLASH = bytes("HTTP/");

    private RequestParser() {
    }

    /**
     * Parses the head starting at {@code start}.
     *
     * @return the head's length in bytes, {@link #INCOMPLETE}, or minus the status to answer (400, 413, 414,
     *         417, 501, 505)
     */
    static int parse(ByteBuffer b, int start, int end, HttpExchange ex, HttpLimits limits) {
        int i = start;
        // RFC 9112 2.2: ignore empty lines before the request line; a bare CR is malformed there too.
        while (i < end && (b.get(i) == CR || b.get(i) == LF)) {
            i = lineEnd(b, i, end);
            if (i <= 0) {
                return i;
            }
        }
        int methodStart = i;
        while (i < end && isTchar(b.get(i))) {
            i++;
        }
        if (i == end) {
            return INCOMPLETE;
        }
        if (b.get(i) != SP || i == methodStart) {
            return -400;
        }
        ex.method = method(b, methodStart, i);
        ex.methodStart = methodStart;
        ex.methodEnd = i;
        int targetStart = ++i;
        int targetLimit = Math.min(end, targetStart + limits.maxTargetBytes() + 1);
        int query = -1; // where the path ends: found in the same pass
        while (i + Long.BYTES <= targetLimit) {
            long word = word(b, i);
            long stop = notVisible(word);
            long questions = query < 0 ? equal(word, '?') : 0;
            if (questions != 0 && Long.numberOfTrailingZeros(questions) < Long.numberOfTrailingZeros(stop)) {
                query = i + (Long.numberOfTrailingZeros(questions) >>> 3);
            }
            if (stop != 0) {
                i += Long.numberOfTrailingZeros(stop) >>> 3;
                break;
            }
            i += Long.BYTES;
        }
        for (byte c; i < targetLimit && isVisible(c = b.get(i)); i++) { // the last few bytes, or the first one not visible
            if (c == '?' && query < 0) {
                query = i;
            }
        }
        if (i - targetStart > limits.maxTargetBytes()) {
            return -414;
        }
        if (i == end) {
            return INCOMPLETE;
        }
        if (b.get(i) != SP || i == targetStart) {
            return -400;
        }
        ex.pathStart = targetStart;
        ex.pathEnd = query < 0 ? i : query;
        ex.targetEnd = i;
        i = version(b, i + 1, end, ex);
        if (i <= 0) {
            return i;
        }
        ex.fieldsStart = i;
        while (true) {
            if (i == end) {
                return INCOMPLETE;
            }
            byte c = b.get(i);
            if (c == CR || c == LF) {
                int next = lineEnd(b, i, end);
                if (next <= 0) {
                    return next;
                }
                return KnownFields.checkHead(ex, next - start, limits);
            }
            i = field(b, i, end, ex);
            if (i <= 0) {
                return i;
            }
        }
    }

    /** After the request line's target: "HTTP/" DIGIT "." DIGIT and the line's end. */
    private static int version(ByteBuffer b, int i, int end, HttpExchange ex) {
        for (int k = 0; k < HTTP_SLASH.length; k++, i++) {
            if (i == end) {
                return INCOMPLETE;
            }
            if (b.get(i) != HTTP_SLASH[k]) {
                return -400;
            }
        }
        if (end - i < 3) {
            return INCOMPLETE;
        }
        byte major = b.get(i);
        byte minor = b.get(i + 2);
        if (!Bytes.isDigit(major) || b.get(i + 1) != '.' || !Bytes.isDigit(minor)) {
            return -400;
        }
        if (major != '1') {
            return -505;
        }
        ex.versionMinor = minor == '0' ? 0 : 1;
        return lineEnd(b, i + 3, end);
    }

    /** One field line: name, colon, value; returns where the next line starts. */
    private static int field(ByteBuffer b, int i, int end, HttpExchange ex) {
        int nameStart = i;
        while (i < end && isTchar(b.get(i))) {
            i++;
        }
        if (i == end) {
            return INCOMPLETE;
        }
        // Whitespace before the colon, an obs-fold line (starts with SP/HT), or a bad character.
        if (b.get(i) != ':' || i == nameStart) {
            return -400;
        }
        int nameEnd = i++;
        while (i < end && (b.get(i) == SP || b.get(i) == HT)) {
            i++;
        }
        int valueStart = i;
        while (i < end) {
            if (i + Long.BYTES <= end) {
                long stop = control(word(b, i));
                if (stop == 0) {
                    i += Long.BYTES;
                    continue;
                }
                i += Long.numberOfTrailingZeros(stop) >>> 3; // a control character: the line's end, a tab, or bad
            }
            byte c = b.get(i);
            if (c == CR || c == LF) {
                break;
            }
            if (c != HT && (c >= 0 && c < 0x20 || c == 0x7F)) {
                return -400; // NUL and other controls
            }
            i++;
        }
        if (i == end) {
            return INCOMPLETE;
        }
        int valueEnd = i;
        while (valueEnd > valueStart && (b.get(valueEnd - 1) == SP || b.get(valueEnd - 1) == HT)) {
            valueEnd--;
        }
        int next = lineEnd(b, i, end);
        if (next <= 0) {
            return next;
        }
        return KnownFields.onField(b, nameStart, nameEnd, valueStart, valueEnd, ex) ? next : -400;
    }

    /** At a CR or LF: past CRLF or a bare LF; a bare CR is malformed. */
    private static int lineEnd(ByteBuffer b, int i, int end) {
        if (i == end) {
            return INCOMPLETE;
        }
        byte c = b.get(i);
        if (c == LF) {
            return i + 1;
        }
        if (c != CR) {
            return -400;
        }
        if (i + 1 == end) {
            return INCOMPLETE;
        }
        return b.get(i + 1) == LF ? i + 2 : -400;
    }

    /** GET, the common case, at once; any other method by name. */
    private static HttpMethod method(ByteBuffer b, int start, int end) {
        if (end - start == 3 && b.get(start) == 'G' && b.get(start + 1) == 'E' && b.get(start + 2) == 'T') {
            return HttpMethod.GET;
        }
        return HttpMethod.of(b, start, end);
    }

    private static long word(ByteBuffer b, int i) {
        return (long) WORD.get(b, i);
    }

    /** A high bit in each byte of {@code word} equal to {@code c}. */
    private static long equal(long word, char c) {
        long x = word ^ (c * ONES);
        return ~(((x & LOWS) + LOWS) | x | LOWS);
    }

    /** A high bit in each byte below {@code n} (at most 0x80), bytes of 0x80 and above counting as not below. */
    private static long below(long word, int n) {
        return ~(((word & LOWS) + (0x80 - n) * ONES) | word) & HIGHS;
    }

    /** A high bit in each byte that may not be in a request-target: controls, space, DEL, and non-ASCII. */
    private static long notVisible(long word) {
        return (word & HIGHS) | below(word, 0x21) | equal(word, (char) 0x7F);
    }

    /** A high bit in each control character (DEL included): where a field value's scan must look closer. */
    private static long control(long word) {
        return below(word, 0x20) | equal(word, (char) 0x7F);
    }

    static boolean isTchar(byte c) {
        return c > 0 && TCHAR[c];
    }

    private static boolean isVisible(byte c) {
        return c > 0x20 && c != 0x7F; // and bytes >= 0x80 (negative) are not allowed in a target
    }

    private static byte[] bytes(String s) {
        return s.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    }
}
