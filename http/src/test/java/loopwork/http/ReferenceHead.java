package loopwork.http;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * docs/http.md's "Hostile clients" rules for a request head written a second time, plainly and slowly: line
 * by line over a string, with no shared code with {@link RequestParser}. It gives the outcome as
 * {@link HeadReader#describe} words it (and {@code head=} its length), or null while the head is not all
 * there (the parser may then wait, or refuse early at a byte the rules forbid). The fuzz checks the parser against it.
 *
 * <p>Thread-safe: stateless.
 */
final class ReferenceHead {

    private static final Pattern CONTENT_LENGTH = Pattern.compile("\\d+([ \\t]*,[ \\t]*\\d+)*");
    /** Numbers from here on are refused as overflowing (checked before each digit), a little below Long.MAX_VALUE. */
    private static final BigInteger OVERFLOW = BigInteger.valueOf((Long.MAX_VALUE - 9) / 10 * 10 + 10);

    private ReferenceHead() {
    }

    static String verdict(byte[] bytes, int length, HttpLimits limits) {
        String s = new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
        List<String> lines = new ArrayList<>(); // each line's content, without its LF and a CR before it
        int at = 0;
        for (int lf; (lf = s.indexOf('\n', at)) >= 0; at = lf + 1) {
            lines.add(s.substring(at, lf > at && s.charAt(lf - 1) == '\r' ? lf - 1 : lf));
        }
        int k = 0;
        int headLength = 0;
        while (k < lines.size() && lines.get(k).isEmpty()) { // empty lines before the request line
            headLength += lineLength(s, headLength);
            k++;
        }
        if (k == lines.size()) {
            return null; // not all there yet
        }
        String requestLine = lines.get(k++);
        headLength += lineLength(s, headLength);
        int error = requestLineError(requestLine, limits);
        if (error != 0) {
            return String.valueOf(error);
        }
        String[] parts = requestLine.split(" ", 3);
        String method = parts[0];
        String target = parts[1];
        int minor = parts[2].charAt(7) == '0' ? 0 : 1;
        int hosts = 0;
        long contentLength = -1;
        int codings = 0;
        boolean chunked = false;
        int expectations = 0;
        boolean proceed = false;
        boolean close = false;
        boolean keepAlive = false;
        for (;; k++) {
            if (k == lines.size()) {
                return null; // not all there yet
            }
            String line = lines.get(k);
            headLength += lineLength(s, headLength);
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon <= 0 || !line.substring(0, colon).chars().allMatch(ReferenceHead::isTchar)) {
                return "400";
            }
            String name = line.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
            String value = line.substring(colon + 1);
            if (!value.chars().allMatch(c -> c == '\t' || c >= 0x20 && c != 0x7F)) {
                return "400";
            }
            value = value.replaceAll("^[ \\t]+|[ \\t]+$", "");
            switch (name) {
                case "host" -> hosts++;
                case "content-length" -> {
                    if (!CONTENT_LENGTH.matcher(value).matches()) {
                        return "400";
                    }
                    for (String member : value.split("[ \\t]*,[ \\t]*")) {
                        BigInteger number = new BigInteger(member);
                        if (number.compareTo(OVERFLOW) >= 0
                                || contentLength >= 0 && number.longValue() != contentLength) {
                            return "400";
                        }
                        contentLength = number.longValue();
                    }
                }
                case "transfer-encoding" -> {
                    codings++;
                    chunked = codings == 1 && value.equalsIgnoreCase("chunked");
                }
                case "expect" -> {
                    expectations++;
                    proceed = expectations == 1 && value.equalsIgnoreCase("100-continue");
                }
                case "connection" -> {
                    for (String option : value.split("[ \\t,]+")) {
                        close |= option.equalsIgnoreCase("close");
                        keepAlive |= option.equalsIgnoreCase("keep-alive");
                    }
                }
                default -> {
                }
            }
        }
        if (minor == 1 ? hosts != 1 : hosts > 1) {
            return "400";
        }
        if (codings > 0 && (contentLength >= 0 || minor == 0)) {
            return "400";
        }
        if (codings > 0 && !chunked) {
            return "501";
        }
        if (contentLength > limits.maxBodyBytes()) {
            return "413";
        }
        if (expectations > 0 && !proceed) {
            return "417";
        }
        int query = target.indexOf('?');
        return (java.util.Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS").contains(method) ? method : "OTHER") + " 1." + minor + " "
                + (query < 0 ? target : target.substring(0, query)) + (contentLength >= 0 ? " cl=" + contentLength : "")
                + (chunked ? " chunked" : "") + (proceed ? " 100-continue" : "") + (close ? " close" : "")
                + (keepAlive ? " keep-alive" : "") + " hosts=" + hosts + " head=" + headLength;
    }

    /**
     * A whole request line's error (400, 414, 505), or 0: a token method, one space, a target of visible
     * bytes up to --max-target, one space, HTTP/1.x; a target too long is refused whatever follows it.
     */
    private static int requestLineError(String line, HttpLimits limits) {
        int i = 0;
        while (i < line.length() && isTchar(line.charAt(i))) {
            i++;
        }
        if (i == 0 || i == line.length() || line.charAt(i) != ' ') {
            return 400;
        }
        int targetStart = ++i;
        while (i < line.length() && line.charAt(i) > 0x20 && line.charAt(i) < 0x7F) {
            i++;
        }
        if (i - targetStart > limits.maxTargetBytes()) {
            return 414;
        }
        if (i == targetStart || i == line.length() || line.charAt(i) != ' ') {
            return 400;
        }
        String version = line.substring(i + 1);
        if (version.length() < 8 || !version.startsWith("HTTP/") || !isDigit(version.charAt(5))
                || version.charAt(6) != '.' || !isDigit(version.charAt(7))) {
            return 400;
        }
        if (version.charAt(5) != '1') {
            return 505;
        }
        return version.length() == 8 ? 0 : 400;
    }

    /** The length of the line starting at {@code at}, its LF included. */
    private static int lineLength(String s, int at) {
        return s.indexOf('\n', at) + 1 - at;
    }

    private static boolean isTchar(int c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
