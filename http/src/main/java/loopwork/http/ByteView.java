package loopwork.http;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import loopwork.core.Bytes;

/**
 * A region of bytes where they lie (the connection's input, a body buffer), read as ISO-8859-1 characters: a
 * path, a header value, a parameter, a body. Reading it allocates nothing; only {@link #toString},
 * {@link #toString(Charset)} and {@link #subSequence} make copies. A view is valid during the route's call that
 * got it, and the views an exchange hands out are reused: the next call of the same accessor re-points it
 * (pass a view of your own, {@code new ByteView()} kept by the route's caller, to keep two at once).
 *
 * <pre>{@code
 * ByteView type = exchange.header("Content-Type");        // null when absent
 * if (type != null && type.equalsIgnoreCase("application/json")) { ... }
 * long id = exchange.pathParam("id").toNumber();          // -1 when not a number
 * }</pre>
 *
 * <p>Not thread-safe: owned by the thread serving the request it views.
 */
public final class ByteView implements CharSequence {

    private ByteBuffer buffer;
    private int start;
    private int end;

    /** An empty view, to be pointed at a region by an exchange's accessors that take one. */
    public ByteView() {
    }

    /** Points this view at {@code [start, end)} of {@code buffer}; returns it. */
    ByteView set(ByteBuffer buffer, int start, int end) {
        this.buffer = buffer;
        this.start = start;
        this.end = end;
        return this;
    }

    /**
     * {@return the buffer viewed, null for a view never pointed anywhere: read it with absolute gets from
     * {@link #offset()}, for {@link #length()} bytes, and leave its position, limit and bytes as they are}
     */
    public ByteBuffer buffer() {
        return buffer;
    }

    /** {@return where the region starts in {@link #buffer()}, an absolute index} */
    public int offset() {
        return start;
    }

    @Override
    public int length() {
        return end - start;
    }

    /**
     * {@return the byte at {@code index} of the region, as sent (signed)}
     *
     * @param index from 0, below {@link #length()}: not checked against the region, only against the buffer
     */
    public byte byteAt(int index) {
        return buffer.get(start + index);
    }

    @Override
    public char charAt(int index) {
        if (index < 0 || index >= end - start) {
            throw new IndexOutOfBoundsException(index);
        }
        return (char) (buffer.get(start + index) & 0xFF);
    }

    /**
     * {@return whether the region holds exactly the characters of {@code text}, byte for char (ISO-8859-1)}
     *
     * @param text the characters to compare with, not null
     */
    public boolean contentEquals(CharSequence text) {
        if (text.length() != end - start) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if ((buffer.get(start + i) & 0xFF) != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@return whether the region holds the characters of {@code text}, ignoring ASCII case: for header values
     * such as tokens and media types}
     *
     * @param text the characters to compare with, not null
     */
    public boolean equalsIgnoreCase(CharSequence text) {
        if (text.length() != end - start) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (lower(buffer.get(start + i) & 0xFF) != lower(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@return the region as a non-negative decimal number, or -1 when it is not one: empty, a sign, anything
     * but digits, or more than 18 digits}
     */
    public long toNumber() {
        if (end - start > 18 || end == start) {
            return -1;
        }
        long value = Bytes.parseDecimal(buffer, start, end);
        return value < 0 ? -1 : value; // a sign is not a digit here, and INVALID is negative
    }

    /**
     * Copies the region into {@code into} from index 0.
     *
     * @param into at least {@link #length()} long, else {@link IndexOutOfBoundsException} with nothing copied
     * @return the bytes copied: the region's length
     */
    public int copyTo(byte[] into) {
        buffer.get(start, into, 0, end - start);
        return end - start;
    }

    /** The region as a string of ISO-8859-1 characters: allocates. */
    @Override
    public String toString() {
        return toString(StandardCharsets.ISO_8859_1);
    }

    /**
     * {@return the region decoded as {@code charset}, malformed input replaced: allocates}
     *
     * @param charset how the bytes encode characters: UTF-8 for a decoded path or query, say
     */
    public String toString(Charset charset) {
        byte[] bytes = new byte[end - start];
        copyTo(bytes);
        return new String(bytes, charset);
    }

    /** A copy of part of the region, as a string: allocates. */
    @Override
    public CharSequence subSequence(int from, int to) {
        return toString().substring(from, to);
    }

    static int lower(int c) {
        return c >= 'A' && c <= 'Z' ? c + 32 : c;
    }
}
