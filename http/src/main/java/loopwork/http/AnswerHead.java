package loopwork.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import loopwork.core.Bytes;

/**
 * Encodes the head of an answer a route builds at run time ({@link HttpExchange#respond(int, CharSequence,
 * byte[])} and the like) into a handler's scratch: a status line encoded once per status, the Server and Date
 * lines, Content-Type, the route's own headers, the length or chunked coding, the Connection line, and
 * checks that what a route puts in a header cannot end it early (CR, LF, NUL) or name a non-token.
 *
 * <p>Thread-safe: stateless (its tables are filled once).
 */
final class AnswerHead {

    private static final byte[][] STATUS_LINES = new byte[600][];
    private static final byte[] SERVER = HttpResponse.SERVER.getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CONTENT_TYPE = bytes("Content-Type: ");
    private static final byte[] CONTENT_LENGTH = bytes("Content-Length: ");
    private static final byte[] CHUNKED = bytes("Transfer-Encoding: chunked\r\n");
    private static final byte[][] CONNECTION = {bytes(""), bytes("Connection: keep-alive\r\n"),
        bytes("Connection: close\r\n")};
    private static final byte[] CRLF = bytes("\r\n");

    static {
        for (int status = 100; status < 600; status++) {
            STATUS_LINES[status] = bytes("HTTP/1.1 " + status + " " + Reasons.of(status) + "\r\n");
        }
    }

    private AnswerHead() {
    }

    /**
     * Encodes a head into {@code out} (cleared first): Content-Length {@code length}, chunked when it is -1, no
     * length when below; {@code headers} (from 0 to its position) are the route's own lines.
     */
    static void encode(ByteBuffer out, int status, CharSequence contentType, long length, int form, byte[] dateLine,
            ByteBuffer headers) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status " + status + " is not in 100..599");
        }
        out.clear();
        out.put(STATUS_LINES[status]).put(SERVER).put(dateLine);
        if (contentType != null) {
            checkValue(contentType);
            if (out.remaining() < CONTENT_TYPE.length + contentType.length() + 2 + headers.position() + 64) {
                throw new IllegalArgumentException("answer head over " + out.capacity() + " bytes");
            }
            out.put(CONTENT_TYPE);
            put(out, contentType);
            out.put(CRLF);
        }
        out.put(headers.array(), 0, headers.position());
        if (bodiless(status)) {
            if (length != 0) {
                throw new IllegalArgumentException("a " + status + " answer has no body, so no length " + length);
            }
        } else if (length >= 0) {
            out.put(CONTENT_LENGTH);
            out.position(Bytes.putDecimal(out, out.position(), length));
            out.put(CRLF);
        } else if (length == -1) {
            out.put(CHUNKED);
        } // else: neither, the body ends with the connection (HTTP/1.0)
        out.put(CONNECTION[form]).put(CRLF);
    }

    /**
     * Adds {@code name: value} to a route's headers.
     *
     * @throws IllegalArgumentException if the name is not a token, the value holds CR, LF, NUL or another
     *         control but tab, or the headers would not fit
     */
    static void add(ByteBuffer headers, CharSequence name, CharSequence value) {
        checkField(name, value);
        if (headers.remaining() < name.length() + value.length() + 4) {
            throw new IllegalArgumentException("the answer's headers would be over " + headers.capacity() + " bytes");
        }
        put(headers, name);
        headers.put((byte) ':').put((byte) ' ');
        put(headers, value);
        headers.put(CRLF);
    }

    /**
     * Checks what a pre-encoded answer is made of, once, when it is made ({@link HttpResponse}).
     *
     * @throws IllegalArgumentException naming what is wrong: a status outside 100..599, a reason or Content-Type
     *         with a control character, or {@code headers} that are not lines {@code name: value} each ending in
     *         CRLF
     */
    static void checkPreEncoded(int status, String reason, String headers, String contentType) {
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status " + status + " is not in 100..599");
        }
        checkValue(reason);
        checkValue(contentType);
        for (int start = 0; start < headers.length(); ) {
            int end = headers.indexOf("\r\n", start);
            int colon = headers.indexOf(':', start);
            if (end < 0 || colon < 0 || colon > end) {
                throw new IllegalArgumentException("headers are not lines \"name: value\" ending in CRLF: "
                        + quoted(headers));
            }
            checkField(headers.substring(start, colon), headers.substring(colon + 1, end));
            start = end + 2;
        }
    }

    /** Whether an answer with {@code status} has no body, and so no Content-Length (RFC 9110 8.6, 15.3.5, 15.4.5). */
    static boolean bodiless(int status) {
        return status < 200 || status == 204 || status == 304;
    }

    private static void checkField(CharSequence name, CharSequence value) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty header name");
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c >= 128 || !RequestParser.isTchar((byte) c)) {
                throw new IllegalArgumentException("header name is not a token: " + quoted(name));
            }
        }
        checkValue(value);
    }

    private static void checkValue(CharSequence value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c > 0xFF || c == 0x7F || c < 0x20 && c != '\t') {
                throw new IllegalArgumentException("header value holds a control character: " + quoted(value));
            }
        }
    }

    private static void put(ByteBuffer out, CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            out.put((byte) text.charAt(i));
        }
    }

    /** For a message: a text with its controls escaped, so that the message is not an injection itself. */
    private static String quoted(CharSequence text) {
        return text.toString().replaceAll("[\\x00-\\x1f\\x7f]", "?");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
