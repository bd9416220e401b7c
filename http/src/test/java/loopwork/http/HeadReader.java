package loopwork.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Presents a request head to {@link RequestParser} the way {@link HttpHandler#onData} does: the bytes that
 * arrived so far lie in the connection's input (a direct buffer, as the kit's pool slices are), the request
 * starts at {@code in.position()} and the input ends at {@code in.limit()}; each time more bytes arrive the
 * exchange is reset and the head parsed again from its start. An incomplete head that fills the input is
 * the handler's 431. Bytes before the request (an earlier pipelined request's, here garbage that would
 * change the result if read) are never looked at.
 *
 * <p>Not thread-safe: one at a time, on one thread (they share the input's memory).
 */
final class HeadReader {

    /** Targets up to 64 bytes, bodies up to 1000, as in the server's HostileInputTest. */
    static final HttpLimits LIMITS = new HttpLimits(64, 1000, 10_000, 60_000, 30_000);
    /** The connection's input, --max-head: a head that fills it is refused with 431. */
    static final int CAPACITY = 512;
    static final String INCOMPLETE = "INCOMPLETE";

    /**
     * The input's memory: direct, as the kit's pool slices are, and allocated once, since a direct buffer
     * per reader made these tests about three times slower. One reader uses it at a time: a newer one takes
     * it over.
     */
    private static final ByteBuffer MEMORY = ByteBuffer.allocateDirect(8 + CAPACITY);
    private static int readers;

    private final ByteBuffer input;
    private final int reader = ++readers;
    private final HttpExchange exchange = new HttpExchange(new HttpStats());
    private final int start;
    private int presented;
    /** The last {@link #present}'s result: the head's length, INCOMPLETE (0), or minus a status. */
    int result;

    /** A reader whose request starts {@code start} bytes into the input. */
    HeadReader(int start) {
        check(start < 8, "an offset within a word");
        this.start = start;
        input = MEMORY.slice(0, start + CAPACITY);
        for (int i = 0; i < start; i++) {
            input.put(i, (byte) "\r\n: \u0000".charAt(i % 5));
        }
    }

    /** One piece: what the parser makes of all of {@code bytes}. */
    static String read(byte[] bytes) {
        HeadReader reader = new HeadReader(0);
        return reader.present(bytes, bytes.length);
    }

    /**
     * The first {@code length} bytes of {@code bytes} have arrived (those presented before are in place
     * already; no more than the input holds): parses from the request's start, as the handler does, and
     * describes the outcome.
     */
    String present(byte[] bytes, int length) {
        check(reader == readers, "one reader at a time: a newer one has the input");
        length = Math.min(length, CAPACITY); // the kit reads no more than the input holds
        check(length >= presented, "bytes arrive, never leave");
        input.limit(input.capacity());
        for (; presented < length; presented++) {
            input.put(start + presented, bytes[presented]);
        }
        input.limit(start + length).position(start);
        exchange.startRequest(input, start);
        result = RequestParser.parse(input, start, input.limit(), exchange, LIMITS);
        check(input.position() == start, "the parser reads in place, by index");
        check(result <= length, "a head's length is within the bytes given");
        if (result == RequestParser.INCOMPLETE && input.remaining() >= CAPACITY) {
            result = -431; // HttpHandler.onData: a head that fills the input
        }
        return describe();
    }

    /**
     * "INCOMPLETE", a status ("400"), or what a head gave: method, version, path, then only what is there:
     * {@code cl=N}, {@code chunked}, {@code 100-continue}, {@code close}, {@code keep-alive}, and the Host
     * count. Codings and expectations that are refused are shown too, so a head that let one through shows.
     */
    String describe() {
        check(reader == readers, "one reader at a time: a newer one has the input");
        return describe(result, exchange, input);
    }

    /** As {@link #describe()}, for any exchange whose path lies in {@code input}. */
    static String describe(int result, HttpExchange ex, ByteBuffer input) {
        if (result == RequestParser.INCOMPLETE) {
            return INCOMPLETE;
        }
        if (result < 0) {
            return String.valueOf(-result);
        }
        StringBuilder out = new StringBuilder();
        out.append(ex.method.name());
        out.append(" 1.").append(ex.versionMinor).append(' ');
        byte[] path = new byte[ex.pathEnd - ex.pathStart];
        input.get(ex.pathStart, path);
        out.append(new String(path, StandardCharsets.ISO_8859_1));
        if (ex.contentLength >= 0) {
            out.append(" cl=").append(ex.contentLength);
        }
        if (ex.transferEncoding != HttpExchange.TE_NONE) {
            out.append(ex.transferEncoding == HttpExchange.TE_CHUNKED ? " chunked" : " te=unsupported");
        }
        if (ex.expect != HttpExchange.EXPECT_NONE) {
            out.append(ex.expect == HttpExchange.EXPECT_CONTINUE ? " 100-continue" : " expect=other");
        }
        if (ex.closeRequested) {
            out.append(" close");
        }
        if (ex.keepAliveRequested) {
            out.append(" keep-alive");
        }
        return out.append(" hosts=").append(ex.hostHeaders).toString();
    }

    /** Plain checks: the fuzz calls this a few hundred thousand times. */
    private static void check(boolean holds, String what) {
        if (!holds) {
            throw new AssertionError(what);
        }
    }

    HttpExchange exchange() {
        return exchange;
    }

    int start() {
        return start;
    }

    ByteBuffer input() {
        return input;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Bytes as a Java string literal would show them, for messages. */
    static String printable(byte[] bytes, int from, int to) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = from; i < to; i++) {
            int c = bytes[i] & 0xFF;
            switch (c) {
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '"', '\\' -> out.append('\\').append((char) c);
                default -> out.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
            }
        }
        return out.append('"').toString();
    }

    static String printable(byte[] bytes) {
        return printable(bytes, 0, bytes.length);
    }
}
