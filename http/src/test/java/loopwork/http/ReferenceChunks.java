package loopwork.http;

import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * docs/http.md's rules for a chunked body (RFC 9112 7.1) written a second time, plainly: a line at a time
 * with regular expressions, sharing no code with {@link ChunkedBody}. It gives {@code DONE at N} (the
 * body's length), 400, 413, or null while what decides it has not all arrived (the decoder may then want
 * more, or refuse early at a byte the rules forbid). The fuzz checks the decoder against it.
 *
 * <p>Thread-safe: stateless.
 */
final class ReferenceChunks {

    /** A size in hex, whitespace, and extensions of anything but controls (HT allowed), then CRLF. */
    private static final Pattern SIZE_LINE =
            Pattern.compile("([0-9a-fA-F]+)[ \\t]*(;[^\\x00-\\x08\\x0a-\\x1f\\x7f]*)?\r\n");
    /** A trailer line: anything but controls (HT allowed), then CRLF. */
    private static final Pattern TRAILER_LINE = Pattern.compile("[^\\x00-\\x08\\x0a-\\x1f\\x7f]*\r\n");
    private static final Pattern HEX = Pattern.compile("[0-9a-fA-F]*");

    private ReferenceChunks() {
    }

    static String verdict(byte[] bytes, long maxBody) {
        String s = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = 0;
        long total = 0;
        while (true) {
            Matcher hex = HEX.matcher(s).region(at, s.length());
            if (hex.lookingAt() && hex.end() - at > 15) {
                return "413"; // a size of 16 hex digits or more is refused as it arrives, whatever its value
            }
            int lf = s.indexOf('\n', at);
            if (lf < 0) {
                return null;
            }
            Matcher line = SIZE_LINE.matcher(s).region(at, lf + 1);
            if (!line.matches()) {
                return "400";
            }
            long size = Long.parseLong(line.group(1), 16);
            total += size;
            if (total > maxBody) {
                return "413";
            }
            at = lf + 1;
            if (size == 0) {
                break;
            }
            if (s.length() < at + size + 2) {
                return null;
            }
            if (!s.startsWith("\r\n", at + (int) size)) {
                return "400";
            }
            at += (int) size + 2;
        }
        while (true) { // trailer lines, then an empty one
            int lf = s.indexOf('\n', at);
            if (lf < 0) {
                return null;
            }
            if (lf == at + 1 && s.charAt(at) == '\r') {
                return "DONE at " + (lf + 1);
            }
            if (!TRAILER_LINE.matcher(s).region(at, lf + 1).matches()) {
                return "400";
            }
            at = lf + 1;
        }
    }
}
