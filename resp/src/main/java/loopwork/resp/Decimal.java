package loopwork.resp;

/**
 * Decimal numbers in a value's bytes, as INCR reads and writes them; {@link loopwork.core.Bytes} does the same for
 * the input, which is a buffer.
 *
 * <p>Thread-safe: stateless.
 */
final class Decimal {

    /** Not a number: {@link #parse}'s answer for a value INCR refuses. */
    static final long INVALID = Long.MIN_VALUE;

    private Decimal() {
    }

    /** The number that is all of {@code b[0, length)}, as Redis takes it (no sign '+', no spaces), or INVALID. */
    static long parse(byte[] b, int length) {
        if (length == 0 || length > 20) {
            return INVALID;
        }
        boolean negative = b[0] == '-';
        int i = negative ? 1 : 0;
        if (i == length || (b[i] == '0' && length > i + 1)) {
            return INVALID; // "-", or a leading zero Redis would not have written
        }
        long value = 0; // accumulated negative: Long.MIN_VALUE has no positive twin
        for (; i < length; i++) {
            int digit = b[i] - '0';
            if (digit < 0 || digit > 9 || value < (Long.MIN_VALUE + digit) / 10) {
                return INVALID;
            }
            value = value * 10 - digit;
        }
        return negative ? value : value == Long.MIN_VALUE ? INVALID : -value;
    }

    /** Writes {@code value} (never {@link #INVALID}) in decimal at {@code b[at]}; how many bytes it took. */
    static int put(byte[] b, int at, long value) {
        int length = value < 0 ? 1 : 0;
        for (long rest = value; ; rest /= 10) {
            length++;
            if (rest / 10 == 0) {
                break;
            }
        }
        int i = at + length;
        long rest = value < 0 ? -value : value;
        do {
            b[--i] = (byte) ('0' + rest % 10);
            rest /= 10;
        } while (rest != 0);
        if (value < 0) {
            b[at] = '-';
        }
        return length;
    }
}
