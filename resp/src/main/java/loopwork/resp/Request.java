package loopwork.resp;

import java.nio.ByteBuffer;

import loopwork.core.Bytes;

/**
 * One command as it lies in the input: its arguments' offsets, relative to where the command starts, so they
 * stay right when the kit shows the same unconsumed bytes again from another index. Parses both forms: a RESP
 * array of bulk strings ({@code *2\r\n$3\r\nGET\r\n$1\r\nk\r\n}) and an inline command, a line of words
 * separated by spaces ({@code GET k\r\n}, what telnet and redis-cli's inline mode send; no quoting).
 *
 * <p>Not thread-safe: owned by the thread serving its connection (in the connection's {@link Session}).
 */
final class Request {

    /** {@link #parse} found a whole command (perhaps empty: {@link #count} 0, to be skipped). */
    static final int COMPLETE = 0;
    /** Not all here yet: {@link #needed} says how many bytes, at least, make the command. */
    static final int INCOMPLETE = 1;
    /** Not RESP: {@link #error} is the answer, after which the connection closes. */
    static final int ERROR = 2;
    /** Longest count or length line accepted ("*" or "$", a long's digits, CR). */
    private static final int LONGEST_LINE = 24;

    private final int[] starts;
    private final int[] ends;
    private final int inputCapacity;
    private final byte[] tooLarge;
    int count;
    /** Bytes the whole command takes, once {@link #COMPLETE}. */
    int length;
    /** Bytes from the command's start known to be needed, when {@link #INCOMPLETE}; 0 if unknown. */
    int needed;
    byte[] error;

    Request(int maxArguments, int inputCapacity, byte[] tooLarge) {
        starts = new int[maxArguments];
        ends = new int[maxArguments];
        this.inputCapacity = inputCapacity;
        this.tooLarge = tooLarge;
    }

    /** Argument {@code i}'s first index, given where the command starts now. */
    int start(int base, int i) {
        return base + starts[i];
    }

    /** Argument {@code i}'s end (exclusive), given where the command starts now. */
    int end(int base, int i) {
        return base + ends[i];
    }

    int argumentLength(int i) {
        return ends[i] - starts[i];
    }

    /** Parses the command starting at {@code from}, with bytes up to {@code to}; one of the codes above. */
    int parse(ByteBuffer in, int from, int to) {
        count = 0;
        needed = 0;
        return in.get(from) == '*' ? array(in, from, to) : inline(in, from, to);
    }

    private int array(ByteBuffer in, int from, int to) {
        int cr = Bytes.indexOfCrlf(in, from + 1, to);
        if (cr < 0) {
            return to - from > LONGEST_LINE ? error(Replies.BAD_MULTIBULK) : INCOMPLETE;
        }
        long n = Bytes.parseDecimal(in, from + 1, cr);
        if (n == Bytes.INVALID || n > starts.length) {
            return error(Replies.BAD_MULTIBULK);
        }
        int at = cr + 2;
        for (int i = 0; i < n; i++) {
            if (at >= to) {
                return incomplete(at + 4 - from);
            }
            if (in.get(at) != '$') {
                return error(Replies.EXPECTED_DOLLAR);
            }
            cr = Bytes.indexOfCrlf(in, at + 1, to);
            if (cr < 0) {
                return to - at > LONGEST_LINE ? error(Replies.BAD_BULK) : incomplete(to + 1 - from);
            }
            long bulk = Bytes.parseDecimal(in, at + 1, cr);
            if (bulk < 0) { // negative or not a number (INVALID is negative)
                return error(Replies.BAD_BULK);
            }
            long end = cr + 2 + bulk;
            if (end + 2 - from > inputCapacity) {
                return error(tooLarge); // it could never be whole in the input buffer
            }
            if (end + 2 > to) {
                return incomplete((int) (end + 2 - from));
            }
            if (in.get((int) end) != '\r' || in.get((int) end + 1) != '\n') {
                return error(Replies.EXPECTED_CRLF);
            }
            starts[i] = cr + 2 - from;
            ends[i] = (int) end - from;
            at = (int) end + 2;
        }
        count = (int) Math.max(n, 0); // "*0" and "*-1" are empty commands, skipped as Redis does
        length = at - from;
        return COMPLETE;
    }

    private int inline(ByteBuffer in, int from, int to) {
        int lf = Bytes.indexOf(in, from, to, (byte) '\n');
        if (lf < 0) {
            return INCOMPLETE; // a line longer than the input buffer ends at onInputFull
        }
        int end = lf > from && in.get(lf - 1) == '\r' ? lf - 1 : lf;
        int i = from;
        while (i < end) {
            byte c = in.get(i);
            if (c == ' ' || c == '\t') {
                i++;
                continue;
            }
            if (count == starts.length) {
                return error(Replies.BAD_MULTIBULK);
            }
            starts[count] = i - from;
            while (i < end && in.get(i) != ' ' && in.get(i) != '\t') {
                i++;
            }
            ends[count++] = i - from;
        }
        length = lf + 1 - from;
        return COMPLETE;
    }

    private int incomplete(int bytes) {
        needed = bytes;
        return INCOMPLETE;
    }

    private int error(byte[] reply) {
        error = reply;
        return ERROR;
    }
}
