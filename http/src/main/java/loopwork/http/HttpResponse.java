package loopwork.http;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import loopwork.core.BlockingConnection;

/**
 * A response encoded once, at start-up, in the three forms a connection may need: HTTP/1.1 keep-alive
 * (no Connection header), HTTP/1.0 keep-alive ({@code Connection: keep-alive}) and closing
 * ({@code Connection: close}). Sending one is a copy of bytes.
 *
 * <p>Thread-safe: immutable.
 */
public final class HttpResponse {

    static final int KEEP_ALIVE = 0;
    static final int KEEP_ALIVE_10 = 1;
    static final int CLOSE = 2;

    private static final String[] CONNECTION_HEADER = {"", "Connection: keep-alive\r\n", "Connection: close\r\n"};

    public static final HttpResponse OK = empty(200, "OK");
    public static final HttpResponse BAD_REQUEST = empty(400, "Bad Request");
    public static final HttpResponse NOT_FOUND = empty(404, "Not Found");
    public static final HttpResponse METHOD_NOT_ALLOWED = new HttpResponse(405, "Method Not Allowed",
            "Allow: GET, HEAD\r\n", "", new byte[0]);
    public static final HttpResponse HEADER_FIELDS_TOO_LARGE = empty(431, "Request Header Fields Too Large");
    public static final HttpResponse INTERNAL_SERVER_ERROR = empty(500, "Internal Server Error");
    public static final HttpResponse NOT_IMPLEMENTED = empty(501, "Not Implemented");
    public static final HttpResponse SERVICE_UNAVAILABLE = new HttpResponse(503, "Service Unavailable",
            "Retry-After: 1\r\n", "", new byte[0]);
    public static final HttpResponse VERSION_NOT_SUPPORTED = empty(505, "HTTP Version Not Supported");

    private final int status;
    private final byte[][] forms = new byte[3][];
    private final int[] headLength = new int[3];

    /**
     * @param status      the status code
     * @param reason      its reason phrase
     * @param headers     extra header lines, each ending in CRLF, or ""
     * @param contentType the Content-Type, or "" for none
     * @param body        the body
     */
    public HttpResponse(int status, String reason, String headers, String contentType, byte[] body) {
        this.status = status;
        for (int form = 0; form < 3; form++) {
            String head = "HTTP/1.1 " + status + " " + reason + "\r\n" + headers
                    + (contentType.isEmpty() ? "" : "Content-Type: " + contentType + "\r\n")
                    + "Content-Length: " + body.length + "\r\n" + CONNECTION_HEADER[form] + "\r\n";
            byte[] headBytes = head.getBytes(StandardCharsets.US_ASCII);
            byte[] bytes = new byte[headBytes.length + body.length];
            System.arraycopy(headBytes, 0, bytes, 0, headBytes.length);
            System.arraycopy(body, 0, bytes, headBytes.length, body.length);
            forms[form] = bytes;
            headLength[form] = headBytes.length;
        }
    }

    private static HttpResponse empty(int status, String reason) {
        return new HttpResponse(status, reason, "", "", new byte[0]);
    }

    public int status() {
        return status;
    }

    byte[] bytes(int form) {
        return forms[form];
    }

    /** Bytes to send: all of them, or only the head for a HEAD request. */
    int length(int form, boolean headOnly) {
        return headOnly ? headLength[form] : forms[form].length;
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
         * @param headers extra header lines, each ending in CRLF, or ""
         */
        public Head(int status, String reason, String headers) {
            this.status = status;
            prefix = ("HTTP/1.1 " + status + " " + reason + "\r\n" + headers + "Content-Length: ")
                    .getBytes(StandardCharsets.US_ASCII);
            for (int form = 0; form < 3; form++) {
                suffix[form] = ("\r\n" + CONNECTION_HEADER[form] + "\r\n").getBytes(StandardCharsets.US_ASCII);
            }
        }

        public int status() {
            return status;
        }

        void write(BlockingConnection connection, long contentLength, int form) throws IOException {
            connection.write(prefix);
            long divisor = 1;
            while (divisor <= contentLength / 10) {
                divisor *= 10;
            }
            for (; divisor > 0; divisor /= 10) {
                connection.write(DIGITS, (int) (contentLength / divisor % 10), 1);
            }
            connection.write(suffix[form]);
        }
    }
}
