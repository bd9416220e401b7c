package loopwork.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Query parameters read where the request-target lies: {@code name=value} pairs separated by {@code &}, found by
 * their raw name, and values percent-decoded into the caller's bytes.
 *
 * <p>Thread-safe: stateless.
 */
final class Query {

    private Query() {
    }

    /** The raw value of the first parameter {@code name} in the query after {@code pathEnd}, or null. */
    static ByteView find(ByteBuffer b, int pathEnd, int targetEnd, CharSequence name, ByteView into) {
        int i = pathEnd + 1; // past the '?'
        while (i < targetEnd) {
            int keyEnd = i;
            while (keyEnd < targetEnd && b.get(keyEnd) != '=' && b.get(keyEnd) != '&') {
                keyEnd++;
            }
            int valueEnd = keyEnd;
            while (valueEnd < targetEnd && b.get(valueEnd) != '&') {
                valueEnd++;
            }
            if (keyEnd - i == name.length() && into.set(b, i, keyEnd).contentEquals(name)) {
                return into.set(b, Math.min(keyEnd + 1, valueEnd), valueEnd);
            }
            i = valueEnd + 1;
        }
        return null;
    }

    /** Percent-decodes {@code raw} ({@code +} as a space) into {@code into}: the length, or -2 if malformed or too long. */
    static int decode(ByteView raw, byte[] into) {
        int n = 0;
        for (int i = 0; i < raw.length(); i++) {
            int c = raw.byteAt(i);
            if (c == '%') {
                int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int low = high >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (low < 0) {
                    return -2;
                }
                c = high << 4 | low;
                i += 2;
            } else if (c == '+') {
                c = ' ';
            }
            if (n == into.length) {
                return -2;
            }
            into[n++] = (byte) c;
        }
        return n;
    }

    /** {@code raw} decoded as UTF-8, or null if malformed: allocates. */
    static String decodeToString(ByteView raw) {
        byte[] bytes = new byte[raw.length()];
        int n = decode(raw, bytes);
        return n < 0 ? null : new String(bytes, 0, n, StandardCharsets.UTF_8);
    }
}
