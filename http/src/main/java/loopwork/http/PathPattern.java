package loopwork.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One route's path pattern, compiled: an exact path, a path whose segments may be parameters
 * ({@code /items/{id}}), or a prefix. Matching compares the raw path's bytes where they lie (no decoding: a
 * parameter's view is raw too) and records where each parameter's segment starts and ends.
 *
 * <p>Thread-safe: immutable.
 */
final class PathPattern {

    /** Parameters a pattern may have: each takes two ints of a handler's scratch. */
    static final int MAX_PARAMS = 8;

    /** The whole path, for an exact pattern or a prefix; null for one with parameters. */
    private final byte[] literal;
    private final boolean prefix;
    /** Per segment after the first '/': its bytes, or null for a parameter. */
    private final byte[][] segments;
    private final String[] names;

    PathPattern(String pattern, boolean prefix) {
        check(pattern, prefix);
        this.prefix = prefix;
        String[] parts = pattern.substring(1).split("/", -1);
        List<String> params = new ArrayList<>();
        segments = new byte[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            if (isParam(parts[i])) {
                params.add(parts[i].substring(1, parts[i].length() - 1));
            } else {
                segments[i] = parts[i].getBytes(StandardCharsets.US_ASCII);
            }
        }
        names = params.toArray(new String[0]);
        literal = names.length == 0 ? pattern.getBytes(StandardCharsets.US_ASCII) : null;
    }

    /** @throws IllegalArgumentException for a pattern that is not one: see {@link RouteTable} */
    static void check(String pattern, boolean prefix) {
        List<String> seen = new ArrayList<>();
        for (String part : pattern.substring(1).split("/", -1)) {
            if (isParam(part)) {
                String name = part.substring(1, part.length() - 1);
                if (prefix || name.isEmpty() || seen.contains(name) || seen.size() == MAX_PARAMS) {
                    throw new IllegalArgumentException("bad parameter '" + part + "' in " + pattern
                            + ": named, unique, at most " + MAX_PARAMS + ", not in a prefix");
                }
                seen.add(name);
            }
            for (char c : part.toCharArray()) {
                if (c <= ' ' || c >= 0x7F || c == '?' || c == '#' || (!isParam(part) && (c == '{' || c == '}'))) {
                    throw new IllegalArgumentException("bad character in path pattern " + pattern);
                }
            }
        }
    }

    private static boolean isParam(String part) {
        return part.length() >= 2 && part.charAt(0) == '{' && part.charAt(part.length() - 1) == '}';
    }

    /**
     * Whether the path {@code [start, end)} of {@code b} matches; when it does, each parameter's segment is
     * at {@code params[2k]} to {@code params[2k + 1]}.
     */
    boolean matches(ByteBuffer b, int start, int end, int[] params) {
        if (literal != null) {
            int length = end - start;
            return (prefix ? length >= literal.length : length == literal.length) && equal(b, start, literal);
        }
        int i = start; // at a '/': every path starts with one (an origin-form target)
        int param = 0;
        for (byte[] segment : segments) {
            if (i == end || b.get(i) != '/') {
                return false;
            }
            int segmentStart = i + 1;
            int segmentEnd = segmentStart;
            while (segmentEnd < end && b.get(segmentEnd) != '/') {
                segmentEnd++;
            }
            if (segment == null) {
                if (segmentEnd == segmentStart) {
                    return false; // a parameter is never empty
                }
                params[2 * param] = segmentStart;
                params[2 * param++ + 1] = segmentEnd;
            } else if (segmentEnd - segmentStart != segment.length || !equal(b, segmentStart, segment)) {
                return false;
            }
            i = segmentEnd;
        }
        return i == end;
    }

    /** The index of parameter {@code name}, or -1. */
    int param(CharSequence name) {
        for (int k = 0; k < names.length; k++) {
            if (names[k].contentEquals(name)) {
                return k;
            }
        }
        return -1;
    }

    private static boolean equal(ByteBuffer b, int at, byte[] bytes) {
        for (int k = 0; k < bytes.length; k++) {
            if (b.get(at + k) != bytes[k]) {
                return false;
            }
        }
        return true;
    }
}
