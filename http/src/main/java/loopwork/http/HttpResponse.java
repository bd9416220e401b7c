package loopwork.http;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import loopwork.core.BlockingConnection;

/**
 * A response encoded once, at start-up, in the three forms a connection may need: HTTP/1.1 keep-alive
 * (no Connection header), HTTP/1.0 keep-alive ({@code Connection: keep-alive}) and closing
 * ({@code Connection: close}). Each form is its head up to the Date line, then the loop's cached Date
 * line, then the blank line and the body: sending one is three copies of bytes.
 *
 * <p>Thread-safe: immutable.
 */
public final class HttpResponse {

    static final int KEEP_ALIVE = 0;
    static final int KEEP_ALIVE_10 = 1;
    static final int CLOSE = 2;

    private static final String[] CONNECTION_HEADER = {"", "Connection: keep-alive\r\n", "Connection: close\r\n"};
    static final String SERVER = "Server: loopwork\r\n";
    static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    // The kit's own answers, each with an empty body; routes may send them too (then kept alive as requested).
    /** 200 with an empty body: what a route that only acts answers. */
    public static final HttpResponse OK = empty(200, "OK");
    /** 400: a malformed request; the kit closes the connection after it, not knowing where the next one starts. */
    public static final HttpResponse BAD_REQUEST = empty(400, "Bad Request");
    /** 404: what the kit answers for a path no route matches. */
    public static final HttpResponse NOT_FOUND = empty(404, "Not Found");
    /** 405 allowing GET and HEAD; the kit's own 405s list the methods the path's routes serve instead. */
    public static final HttpResponse METHOD_NOT_ALLOWED = new HttpResponse(405, "Method Not Allowed",
            "Allow: GET, HEAD\r\n", "", new byte[0]);
    /** 408: a request head that did not arrive within the header timeout ({@link HttpLimits#headerTimeoutMs}). */
    public static final HttpResponse REQUEST_TIMEOUT = empty(408, "Request Timeout");
    /** 413: a body over {@link HttpLimits#maxBodyBytes}. */
    public static final HttpResponse CONTENT_TOO_LARGE = empty(413, "Content Too Large");
    /** 414: a request-target over {@link HttpLimits#maxTargetBytes}. */
    public static final HttpResponse URI_TOO_LONG = empty(414, "URI Too Long");
    /** 417: an {@code Expect} other than {@code 100-continue}. */
    public static final HttpResponse EXPECTATION_FAILED = empty(417, "Expectation Failed");
    /** 431: a request head that does not fit the connection's input buffer. */
    public static final HttpResponse HEADER_FIELDS_TOO_LARGE = empty(431, "Request Header Fields Too Large");
    /** 500: a route that failed, or returned without answering, before anything of its answer was sent. */
    public static final HttpResponse INTERNAL_SERVER_ERROR = empty(500, "Internal Server Error");
    /** 501: a transfer coding other than chunked. */
    public static final HttpResponse NOT_IMPLEMENTED = empty(501, "Not Implemented");
    /**
     * 503 with {@code Retry-After: 1}: no worker could take a task or a connection, or no body buffer was free;
     * without a Date line, it is also what the kit sends when it refuses a connection ({@link HttpProtocol#refusal}).
     */
    public static final HttpResponse SERVICE_UNAVAILABLE = new HttpResponse(503, "Service Unavailable",
            "Retry-After: 1\r\n", "", new byte[0]);
    /** 505: an HTTP major version other than 1. */
    public static final HttpResponse VERSION_NOT_SUPPORTED = empty(505, "HTTP Version Not Supported");

    /** The answer to a request refused with {@code -result} (a parser's or a body's result). */
    static HttpResponse error(int result) {
        return switch (-result) {
            case 413 -> CONTENT_TOO_LARGE;
            case 414 -> URI_TOO_LONG;
            case 417 -> EXPECTATION_FAILED;
            case 501 -> NOT_IMPLEMENTED;
            case 505 -> VERSION_NOT_SUPPORTED;
            default -> BAD_REQUEST;
        };
    }

    private final int status;
    private final byte[][] heads = new byte[3][];
    /** The blank line, then the body. */
    private final byte[] tail;

    /**
     * Encodes a response in its three forms; allocates, so make it once (a constant) and send it often. A 1xx,
     * 204 or 304 answer has no body and gets no Content-Length (RFC 9110 8.6).
     *
     * @param status      the status code, 100..599
     * @param reason      its reason phrase ({@code "OK"})
     * @param headers     extra header lines, each {@code name: value} ending in CRLF, or ""
     * @param contentType the Content-Type, or "" for none
     * @param body        the body, copied: later changes to the array are not sent
     * @throws IllegalArgumentException if the status is outside 100..599, the reason, Content-Type or a header
     *         holds a control character (a CR or LF would inject a header), a header line is malformed, or a
     *         bodiless status has a body
     */
    public HttpResponse(int status, String reason, String headers, String contentType, byte[] body) {
        AnswerHead.checkPreEncoded(status, reason, headers, contentType);
        boolean bodiless = AnswerHead.bodiless(status);
        if (bodiless && body.length > 0) {
            throw new IllegalArgumentException("a " + status + " answer has no body, not " + body.length + " bytes");
        }
        this.status = status;
        for (int form = 0; form < 3; form++) {
            heads[form] = ("HTTP/1.1 " + status + " " + reason + "\r\n" + SERVER + headers
                    + (contentType.isEmpty() ? "" : "Content-Type: " + contentType + "\r\n")
                    + (bodiless ? "" : "Content-Length: " + body.length + "\r\n") + CONNECTION_HEADER[form])
                    .getBytes(StandardCharsets.US_ASCII);
        }
        tail = new byte[2 + body.length];
        tail[0] = '\r';
        tail[1] = '\n';
        System.arraycopy(body, 0, tail, 2, body.length);
    }

    private static HttpResponse empty(int status, String reason) {
        return new HttpResponse(status, reason, "", "", new byte[0]);
    }

    /** {@return the status code, as given} */
    public int status() {
        return status;
    }

    byte[] head(int form) {
        return heads[form];
    }

    byte[] tail() {
        return tail;
    }

    /** Bytes of the tail to send: all, or only the blank line for a HEAD request. */
    int tailLength(boolean headOnly) {
        return headOnly ? 2 : tail.length;
    }

    /** As below, with no header lines added. */
    byte[] joined(int form, byte[] dateLine, boolean headOnly) {
        return joined(form, dateLine, ByteBuffer.allocate(0), 0, headOnly);
    }

    /**
     * All bytes of one form with a given Date line and {@code addedLength} bytes of header lines from
     * {@code added}, in one array: for answers too large to send at once.
     */
    byte[] joined(int form, byte[] dateLine, ByteBuffer added, int addedLength, boolean headOnly) {
        byte[] head = heads[form];
        int tailLength = tailLength(headOnly);
        byte[] all = new byte[head.length + dateLine.length + addedLength + tailLength];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(dateLine, 0, all, head.length, dateLine.length);
        added.get(0, all, head.length + dateLine.length, addedLength);
        System.arraycopy(tail, 0, all, head.length + dateLine.length + addedLength, tailLength);
        return all;
    }

    /**
     * A status line and headers encoded once, with the Content-Length filled in when sent: for blocking
     * routes that stream a body of a length known at request time.
     *
     * <p>Thread-safe: immutable.
     */
    public static final class Head {
        private static final byte[] DIGITS = "0123456789".getBytes(StandardCharsets.US_ASCII);
        private final int status;
        private final byte[] prefix;
        private final byte[][] suffix = new byte[3][];

        /**
         * Encodes a head once; allocates, and checks what it is given as {@link HttpResponse#HttpResponse} does.
         *
         * @param status  the status code, 100..599, of an answer with a body (not 1xx, 204 or 304)
         * @param reason  its reason phrase
         * @param headers extra header lines, each {@code name: value} ending in CRLF, or "": no Content-Length,
         *                which is added
         * @throws IllegalArgumentException as {@link HttpResponse#HttpResponse} does, and for a bodiless status
         */
        public Head(int status, String reason, String headers) {
            AnswerHead.checkPreEncoded(status, reason, headers, "");
            if (AnswerHead.bodiless(status)) {
                throw new IllegalArgumentException("a " + status + " answer has no body to give a length");
            }
            this.status = status;
            prefix = ("HTTP/1.1 " + status + " " + reason + "\r\n" + SERVER + headers + "Content-Length: ")
                    .getBytes(StandardCharsets.US_ASCII);
            for (int form = 0; form < 3; form++) {
                suffix[form] = ("\r\n" + CONNECTION_HEADER[form]).getBytes(StandardCharsets.US_ASCII);
            }
        }

        /** {@return the status code, as given} */
        public int status() {
            return status;
        }

        void write(BlockingConnection connection, long contentLength, int form, byte[] dateLine) throws IOException {
            connection.write(prefix);
            long divisor = 1;
            while (divisor <= contentLength / 10) {
                divisor *= 10;
            }
            for (; divisor > 0; divisor /= 10) {
                connection.write(DIGITS, (int) (contentLength / divisor % 10), 1);
            }
            connection.write(suffix[form]);
            connection.write(dateLine);
            connection.write(CRLF);
        }

        private static final byte[] CRLF = {'\r', '\n'};
    }
}
