package loopwork.http;

import java.nio.ByteBuffer;

/**
 * Header fields read where a parsed head lies: its field lines, from the first to the blank line, which the
 * parser has checked already ({@code name ":" OWS value OWS}, each ending in CRLF or LF). Nothing is indexed
 * while parsing, so a request whose headers no route reads costs nothing; a lookup scans the lines.
 *
 * <p>Thread-safe: stateless.
 */
final class HeadFields {

    private HeadFields() {
    }

    /** The {@code occurrence}-th value (from 0) of field {@code name}, any case; null when there is none. */
    static ByteView find(ByteBuffer b, int start, int end, CharSequence name, int occurrence, ByteView into) {
        int i = start;
        while (i < end && b.get(i) != '\r' && b.get(i) != '\n') {
            int colon = i;
            while (b.get(colon) != ':') {
                colon++;
            }
            int next = lineEnd(b, colon);
            if (colon - i == name.length() && sameName(b, i, name) && occurrence-- == 0) {
                return value(b, colon, next, into);
            }
            i = next;
        }
        return null;
    }

    /** How many field lines there are. */
    static int count(ByteBuffer b, int start, int end) {
        int n = 0;
        for (int i = start; i < end && b.get(i) != '\r' && b.get(i) != '\n'; i = lineEnd(b, i)) {
            n++;
        }
        return n;
    }

    /** The name or the value of field line {@code index}; null past the last. */
    static ByteView at(ByteBuffer b, int start, int end, int index, boolean name, ByteView into) {
        int i = start;
        for (int k = 0; i < end && b.get(i) != '\r' && b.get(i) != '\n'; k++) {
            int colon = i;
            while (b.get(colon) != ':') {
                colon++;
            }
            int next = lineEnd(b, colon);
            if (k == index) {
                return name ? into.set(b, i, colon) : value(b, colon, next, into);
            }
            i = next;
        }
        return null;
    }

    /** Where the line holding {@code i} ends: past its LF. */
    private static int lineEnd(ByteBuffer b, int i) {
        while (b.get(i) != '\n') {
            i++;
        }
        return i + 1;
    }

    private static ByteView value(ByteBuffer b, int colon, int next, ByteView into) {
        int start = colon + 1;
        int end = next - 1; // the LF
        if (end > start && b.get(end - 1) == '\r') {
            end--;
        }
        while (start < end && (b.get(start) == ' ' || b.get(start) == '\t')) {
            start++;
        }
        while (end > start && (b.get(end - 1) == ' ' || b.get(end - 1) == '\t')) {
            end--;
        }
        return into.set(b, start, end);
    }

    private static boolean sameName(ByteBuffer b, int at, CharSequence name) {
        for (int k = 0; k < name.length(); k++) {
            if (ByteView.lower(b.get(at + k) & 0xFF) != ByteView.lower(name.charAt(k))) {
                return false;
            }
        }
        return true;
    }
}
