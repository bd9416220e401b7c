package loopwork.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import loopwork.core.Bytes;

/**
 * The request fields the server acts on itself, read into the exchange as the parser meets each field line:
 * Host (counted), Connection (close, keep-alive), Content-Length (a number, or a list of the same one),
 * Transfer-Encoding (chunked alone) and Expect (100-continue); then what only the whole head can tell of them
 * (RFC 9112 3.2 and 6.1, the body limit). Any other field is only checked for syntax, by {@link RequestParser}.
 *
 * <p>Thread-safe: stateless.
 */
final class KnownFields {

    private static final byte SP = ' ';
    private static final byte HT = '\t';
    private static final byte[] CONNECTION = bytes("connection");
    private static final byte[] CONTENT_LENGTH = bytes("content-length");
    private static final byte[] TRANSFER_ENCODING = bytes("transfer-encoding");
    private static final byte[] EXPECT = bytes("expect");
    private static final byte[] CHUNKED = bytes("chunked");
    private static final byte[] CONTINUE = bytes("100-continue");
    private static final byte[] HOST = bytes("host");
    private static final byte[] CLOSE = bytes("close");
    private static final byte[] KEEP_ALIVE = bytes("keep-alive");

    /** The largest Content-Length taken as a number (any larger is refused as malformed, not as too large). */
    private static final long MAX_CONTENT_LENGTH = (Long.MAX_VALUE - 9) / 10 * 10 + 9;

    private KnownFields() {
    }

    /** A field line the parser has checked: true unless its value is malformed for what the field is. */
    static boolean onField(ByteBuffer b, int nameStart, int nameEnd, int valueStart, int valueEnd,
            HttpExchange ex) {
        int length = nameEnd - nameStart;
        if (length == HOST.length && Bytes.equalsIgnoreCase(b, nameStart, HOST)) {
            ex.hostHeaders++;
        } else if (length == CONNECTION.length && Bytes.equalsIgnoreCase(b, nameStart, CONNECTION)) {
            connectionTokens(b, valueStart, valueEnd, ex);
        } else if (length == CONTENT_LENGTH.length && Bytes.equalsIgnoreCase(b, nameStart, CONTENT_LENGTH)) {
            return contentLength(b, valueStart, valueEnd, ex);
        } else if (length == TRANSFER_ENCODING.length && Bytes.equalsIgnoreCase(b, nameStart, TRANSFER_ENCODING)) {
            // Only "chunked" alone is decoded; any other coding, or chunked twice, is not supported.
            boolean chunked = valueEnd - valueStart == CHUNKED.length && Bytes.equalsIgnoreCase(b, valueStart, CHUNKED);
            ex.transferEncoding = ex.transferEncoding == HttpExchange.TE_NONE && chunked ? HttpExchange.TE_CHUNKED
                    : HttpExchange.TE_UNSUPPORTED;
        } else if (length == EXPECT.length && Bytes.equalsIgnoreCase(b, nameStart, EXPECT)) {
            boolean proceed = valueEnd - valueStart == CONTINUE.length && Bytes.equalsIgnoreCase(b, valueStart, CONTINUE);
            ex.expect = proceed && ex.expect == HttpExchange.EXPECT_NONE ? HttpExchange.EXPECT_CONTINUE
                    : HttpExchange.EXPECT_OTHER;
        }
        return true;
    }

    /** Connection: a comma-separated list of options; we act on close and keep-alive. */
    private static void connectionTokens(ByteBuffer b, int i, int end, HttpExchange ex) {
        while (i < end) {
            while (i < end && (b.get(i) == ',' || b.get(i) == SP || b.get(i) == HT)) {
                i++;
            }
            int tokenStart = i;
            while (i < end && b.get(i) != ',' && b.get(i) != SP && b.get(i) != HT) {
                i++;
            }
            int length = i - tokenStart;
            if (length == CLOSE.length && Bytes.equalsIgnoreCase(b, tokenStart, CLOSE)) {
                ex.closeRequested = true;
            } else if (length == KEEP_ALIVE.length && Bytes.equalsIgnoreCase(b, tokenStart, KEEP_ALIVE)) {
                ex.keepAliveRequested = true;
            }
        }
    }

    /** Content-Length: digits; a list is allowed only if every member is the same number (RFC 9110 8.6). */
    private static boolean contentLength(ByteBuffer b, int i, int end, HttpExchange ex) {
        if (i == end) {
            return false;
        }
        while (i < end) {
            int digitsEnd = Bytes.digitsEnd(b, i, end);
            long value = Bytes.parseDecimal(b, i, digitsEnd); // INVALID, negative, when none or too many
            i = digitsEnd;
            if (value < 0 || value > MAX_CONTENT_LENGTH || (ex.contentLength >= 0 && ex.contentLength != value)) {
                return false;
            }
            ex.contentLength = value;
            while (i < end && (b.get(i) == SP || b.get(i) == HT)) {
                i++;
            }
            if (i < end) {
                if (b.get(i) != ',') {
                    return false;
                }
                i++;
                while (i < end && (b.get(i) == SP || b.get(i) == HT)) {
                    i++;
                }
                if (i == end) {
                    return false;
                }
            }
        }
        return true;
    }

    /** Checks what only the whole head can tell: the head's {@code length}, or minus the status to answer. */
    static int checkHead(HttpExchange ex, int length, HttpLimits limits) {
        if (ex.versionMinor >= 1 && ex.hostHeaders != 1 || ex.hostHeaders > 1) {
            return -400; // RFC 9112 3.2: exactly one Host in HTTP/1.1
        }
        if (ex.transferEncoding != HttpExchange.TE_NONE) {
            if (ex.contentLength >= 0 || ex.versionMinor == 0) {
                return -400; // with Content-Length too it is a smuggling attempt (RFC 9112 6.1)
            }
            if (ex.transferEncoding == HttpExchange.TE_UNSUPPORTED) {
                return -501;
            }
        }
        if (ex.contentLength > limits.maxBodyBytes()) {
            return -413;
        }
        if (ex.expect == HttpExchange.EXPECT_OTHER) {
            return -417;
        }
        return length;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
