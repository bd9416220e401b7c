package loopwork.core;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The byte work every text protocol does, over a region of a {@link ByteBuffer} given by absolute indices
 * ({@code from} inclusive, {@code to} exclusive): find a byte or a CRLF, parse and format a decimal, match a
 * token ignoring ASCII case. None allocates, none reads or moves the buffer's position or limit, so they run
 * on the input a handler is shown ({@link ConnectionHandler#onData}) where it lies. HTTP's own parser uses
 * them.
 *
 * <pre>{@code
 * int cr = Bytes.indexOfCrlf(in, in.position(), in.limit());      // "*3\r\n$3\r\nGET..."
 * if (cr < 0) {
 *     return;                                                     // not all here: onData comes again
 * }
 * long count = Bytes.parseDecimal(in, in.position() + 1, cr);     // Bytes.INVALID if not a number
 * }</pre>
 *
 * <p>Thread-safe: stateless.
 */
public final class Bytes {

    /** What {@link #parseDecimal} returns for a region that is not a decimal number that fits a long. */
    public static final long INVALID = Long.MIN_VALUE;

    /** The most bytes {@link #putDecimal} writes: a sign and 19 digits. */
    public static final int MAX_DECIMAL_LENGTH = 20;

    /** Reads 8 bytes at once in any buffer, direct or not, as the scans below need them. */
    private static final VarHandle WORD = MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long ONES = 0x0101010101010101L;
    private static final long LOWS = 0x7F7F7F7F7F7F7F7FL;

    private Bytes() {
    }

    /**
     * Finds a byte, 8 bytes per step.
     *
     * @param b     the buffer, direct or heap, read at absolute indices
     * @param from  the first index to look at
     * @param to    the index after the last to look at, at most {@code b}'s limit
     * @param value the byte to find
     * @return the index of the first {@code value} in {@code [from, to)}, or -1 if there is none
     */
    public static int indexOf(ByteBuffer b, int from, int to, byte value) {
        int i = from;
        long pattern = (value & 0xFF) * ONES;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long found = equalBytes((long) WORD.get(b, i), pattern);
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b.get(i) == value) {
                return i;
            }
        }
        return -1;
    }

    /**
     * The index of the CR of the first CRLF in {@code [from, to)}, or -1 if there is none yet (a CR at
     * {@code to - 1} may be followed by its LF in bytes still to come). A CR not followed by LF is skipped: a
     * protocol that refuses a bare CR checks for one itself.
     *
     * @param b    the buffer, read at absolute indices
     * @param from the first index to look at
     * @param to   the index after the last to look at, at most {@code b}'s limit
     * @return the CR's index, {@code from} to {@code to - 2}, or -1
     */
    public static int indexOfCrlf(ByteBuffer b, int from, int to) {
        int i = from;
        while (i < to - 1) {
            int lf = indexOf(b, i + 1, to, (byte) '\n');
            if (lf < 0) {
                return -1;
            }
            if (b.get(lf - 1) == '\r') {
                return lf - 1;
            }
            i = lf;
        }
        return -1;
    }

    /** A high bit in each byte of {@code word} equal to the byte repeated in {@code pattern}. */
    private static long equalBytes(long word, long pattern) {
        long x = word ^ pattern;
        return ~(((x & LOWS) + LOWS) | x | LOWS);
    }

    /**
     * {@return whether {@code c} is an ASCII digit, '0' to '9'}
     *
     * @param c the byte
     */
    public static boolean isDigit(byte c) {
        return c >= '0' && c <= '9';
    }

    /**
     * {@return the index of the first byte in {@code [from, to)} that is not an ASCII digit, or {@code to}}
     *
     * @param b    the buffer, read at absolute indices
     * @param from the first index to look at
     * @param to   the index after the last to look at, at most {@code b}'s limit
     */
    public static int digitsEnd(ByteBuffer b, int from, int to) {
        int i = from;
        while (i < to && isDigit(b.get(i))) {
            i++;
        }
        return i;
    }

    /**
     * The decimal number that is all of {@code [from, to)}: digits, after one '-' for a negative number.
     *
     * @param b    the buffer, read at absolute indices
     * @param from the index of the sign or first digit
     * @param to   the index after the last digit, at most {@code b}'s limit
     * @return the value, or {@link #INVALID} when the region is empty, holds anything else, or overflows a long
     */
    public static long parseDecimal(ByteBuffer b, int from, int to) {
        boolean negative = from < to && b.get(from) == '-';
        int i = negative ? from + 1 : from;
        if (i == to) {
            return INVALID;
        }
        long value = 0; // accumulated negative: Long.MIN_VALUE has no positive twin
        for (; i < to; i++) {
            byte c = b.get(i);
            if (!isDigit(c)) {
                return INVALID;
            }
            int digit = c - '0';
            if (value < (Long.MIN_VALUE + digit) / 10) {
                return INVALID;
            }
            value = value * 10 - digit;
        }
        if (negative) {
            return value == Long.MIN_VALUE ? INVALID : value; // MIN_VALUE is the sentinel, never a value
        }
        return value == Long.MIN_VALUE ? INVALID : -value;
    }

    /**
     * {@return how many bytes {@link #putDecimal} writes for {@code value}: 1 to {@value #MAX_DECIMAL_LENGTH}}
     *
     * @param value any long, {@link Long#MIN_VALUE} included
     */
    public static int decimalLength(long value) {
        int length = value < 0 ? 2 : 1;
        long rest = value < 0 ? -(value / 10) : value / 10; // negated after one division: MIN_VALUE too
        while (rest != 0) {
            length++;
            rest /= 10;
        }
        return length;
    }

    /**
     * Writes {@code value} in decimal ASCII at index {@code at} of {@code b}, leaving its position alone.
     *
     * @param b     the buffer to write into, direct or heap, not read-only
     * @param at    the index of the first byte to write
     * @param value any long, {@link Long#MIN_VALUE} included; a negative one starts with '-'
     * @return the index just after the last digit
     * @throws IndexOutOfBoundsException if the digits do not fit below {@code b}'s limit
     */
    public static int putDecimal(ByteBuffer b, int at, long value) {
        int length = decimalLength(value);
        int end = at + length;
        java.util.Objects.checkFromIndexSize(at, length, b.limit());
        long rest = value;
        int i = end;
        if (value < 0) {
            b.put(at, (byte) '-');
            b.put(--i, (byte) ('0' - rest % 10)); // the last digit first: -MIN_VALUE overflows
            rest = -(rest / 10);
            if (rest == 0) {
                return end;
            }
        }
        do {
            b.put(--i, (byte) ('0' + rest % 10));
            rest /= 10;
        } while (rest != 0);
        return end;
    }

    /**
     * Whether {@code [from, from + lower.length)} of {@code b} is {@code lower} ignoring ASCII case: {@code lower}
     * is the token in lower case ("content-length"), and the region must lie within the buffer's limit.
     *
     * @param b     the buffer, read at absolute indices
     * @param from  the index of the region's first byte
     * @param lower the token, in ASCII lower case
     * @return whether the region matches; {@code lower}'s letters match either case, its other bytes only
     *         themselves
     * @throws IndexOutOfBoundsException if the region passes {@code b}'s limit
     */
    public static boolean equalsIgnoreCase(ByteBuffer b, int from, byte[] lower) {
        for (int k = 0; k < lower.length; k++) {
            byte c = b.get(from + k);
            if (c >= 'A' && c <= 'Z') {
                c += 32;
            }
            if (c != lower[k]) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@return whether all of {@code [from, to)} is {@code lower} ignoring ASCII case (lengths equal too)}
     *
     * @param b     the buffer, read at absolute indices
     * @param from  the index of the region's first byte
     * @param to    the index after its last, at most {@code b}'s limit
     * @param lower the token, in ASCII lower case
     */
    public static boolean equalsIgnoreCase(ByteBuffer b, int from, int to, byte[] lower) {
        return to - from == lower.length && equalsIgnoreCase(b, from, lower);
    }
}
