package loopwork.http;

import static loopwork.http.HeadReader.bytes;
import static loopwork.http.HeadReader.printable;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link ChunkedBody} on its own: a table of bodies and what each gives ({@code DONE}, {@code MORE} to come,
 * or the status of a bad frame), each given whole, split in two at every byte, and byte by byte, as
 * {@link HttpHandler} gives it the connection's input: from where the last call stopped, up to what has
 * arrived. A body that is done must have been consumed exactly: the next request, pipelined after it, is
 * left where it lies.
 */
class ChunkedBodyTest {

    record Case(String name, String body, String expected) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** Bytes after every body: the next request, untouched by the decoder. */
    static final String AFTER = "GET / HTTP/1.1\r\nHost: a\r\n\r\n";
    static final String DONE = "DONE";
    static final String MORE = "MORE";
    private static final String A500 = "a".repeat(500);

    static final List<Case> CASES = List.of(
            new Case("last chunk only", "0\r\n\r\n", DONE),
            new Case("one chunk", "5\r\nhello\r\n0\r\n\r\n", DONE),
            new Case("hex lower case", "a\r\n0123456789\r\n0\r\n\r\n", DONE),
            new Case("hex upper case", "A\r\n0123456789\r\n0\r\n\r\n", DONE),
            new Case("hex of two digits, either case", "1f\r\n" + "b".repeat(31) + "\r\n1F\r\n" + "c".repeat(31)
                    + "\r\n0\r\n\r\n", DONE),
            new Case("leading zeros", "0005\r\nhello\r\n000\r\n\r\n", DONE),
            new Case("15 hex digits", "00000000000000a\r\n0123456789\r\n0\r\n\r\n", DONE),
            new Case("data that looks like framing", "7\r\n0\r\n\r\n\r\n\r\n0\r\n\r\n", DONE),
            new Case("data of any bytes", "5\r\n\u0000\u007f\u00ff\n\r\r\n0\r\n\r\n", DONE),
            new Case("many chunks", "1\r\na\r\n2\r\nab\r\n3\r\nabc\r\n0\r\n\r\n", DONE),
            new Case("extension", "5;name=value\r\nhello\r\n0\r\n\r\n", DONE),
            new Case("extensions, quoted, on the last chunk", "5;a;b=c;d=\"x y\"\r\nhello\r\n0;last\r\n\r\n", DONE),
            new Case("BWS before an extension", "5 ;a\r\nhello\r\n0\t;b\r\n\r\n", DONE),
            new Case("whitespace after the size", "5 \t\r\nhello\r\n0 \r\n\r\n", DONE),
            new Case("tab and obs-text in an extension", "5;a=\"\t\u0080\"\r\nhello\r\n0\r\n\r\n", DONE),
            new Case("trailer", "0\r\nX-T: 1\r\n\r\n", DONE),
            new Case("trailers with tab and obs-text", "2\r\nab\r\n0\r\nA: 1\r\nB:\tx \u0080\r\n\r\n", DONE),
            new Case("chunk of --max-body", "3e8\r\n" + A500 + A500 + "\r\n0\r\n\r\n", DONE),
            new Case("chunks adding up to --max-body", "1f4\r\n" + A500 + "\r\n1F4\r\n" + A500 + "\r\n0\r\n\r\n", DONE),
            // Not all there yet.
            new Case("nothing", "", MORE),
            new Case("size only", "5", MORE),
            new Case("size and CR", "5\r", MORE),
            new Case("cut in data", "5\r\nhel", MORE),
            new Case("cut in an extension", "5;a=b", MORE),
            new Case("no last chunk", "5\r\nhello\r\n", MORE),
            new Case("no end after the last chunk", "0\r\n", MORE),
            new Case("cut in a trailer", "0\r\nX: 1\r\n", MORE),
            new Case("CR of the end", "0\r\n\r", MORE),
            // Bad framing.
            new Case("size not hex", "zz\r\n", "400"),
            new Case("no size", "\r\nhello\r\n0\r\n\r\n", "400"),
            new Case("negative size", "-5\r\nhello\r\n0\r\n\r\n", "400"),
            new Case("size with a sign", "+5\r\nhello\r\n0\r\n\r\n", "400"),
            new Case("size with 0x", "0x5\r\nhello\r\n0\r\n\r\n", "400"),
            new Case("space before the size", " 5\r\nhello\r\n0\r\n\r\n", "400"),
            new Case("letter after the size", "5g\r\nhello\r\n0\r\n\r\n", "400"),
            new Case("whitespace, then a digit", "5 5\r\nhello\r\n0\r\n\r\n", "400"),
            new Case("whitespace, then no ;", "5 a=b\r\nhello\r\n0\r\n\r\n", "400"),
            new Case("whitespace, then a bare LF", "5 \nhello\r\n0\r\n\r\n", "400"),
            new Case("NUL as the size", "\u0000\r\n", "400"),
            new Case("bare LF after the size", "2\nab\r\n0\r\n\r\n", "400"),
            new Case("bare CR after the size", "2\rab\r\n0\r\n\r\n", "400"),
            new Case("data longer than its size", "2\r\nabX\r\n0\r\n\r\n", "400"),
            new Case("bare LF after data", "2\r\nab\n0\r\n\r\n", "400"),
            new Case("bare CR after data", "2\r\nab\r0\r\n\r\n", "400"),
            new Case("control in an extension", "2;a\u0001\r\nab\r\n0\r\n\r\n", "400"),
            new Case("DEL in an extension", "2;a=\u007f\r\nab\r\n0\r\n\r\n", "400"),
            new Case("bare LF in an extension", "2;a\nab\r\n0\r\n\r\n", "400"),
            new Case("bare CR in an extension", "2;a\rb\r\nab\r\n0\r\n\r\n", "400"),
            new Case("control in a trailer", "0\r\nX: \u0001\r\n\r\n", "400"),
            new Case("NUL starting a trailer", "0\r\n\u0000\r\n\r\n", "400"),
            new Case("bare LF in a trailer", "0\r\nX: 1\n\r\n", "400"),
            new Case("bare CR in a trailer", "0\r\nX: 1\rY\r\n\r\n", "400"),
            new Case("bare LF at the end", "0\r\n\n", "400"),
            new Case("no LF at the end", "0\r\n\rX", "400"),
            // Over --max-body (1000 here), or a size too long to be one.
            new Case("chunk over --max-body", "3e9\r\n", "413"),
            new Case("chunks adding up over --max-body", "3e8\r\n" + A500 + A500 + "\r\n1\r\na\r\n0\r\n\r\n", "413"),
            new Case("size overflowing", "fffffffffffffffff\r\n", "413"),
            new Case("16 hex digits, even small ones", "0000000000000001\r\na\r\n0\r\n\r\n", "413"));

    static Stream<Case> cases() {
        return CASES.stream();
    }

    /**
     * Decodes {@code bytes} arriving in pieces that end at {@code cuts} (then at the end), each call given
     * the input from where the last one stopped, as the handler does, until done or refused: the outcome,
     * and where the decoder stopped. Checks what holds after every call. Not thread-safe (one input).
     */
    static Outcome decode(byte[] bytes, long maxBody, int... cuts) {
        check(bytes.length <= MEMORY.capacity(), "a body that fits");
        ByteBuffer in = MEMORY.slice(0, bytes.length).put(bytes).flip();
        ChunkedBody body = new ChunkedBody();
        body.start();
        int result = ChunkedBody.MORE;
        for (int k = 0; k <= cuts.length && result == ChunkedBody.MORE; k++) {
            int arrived = k < cuts.length ? cuts[k] : bytes.length;
            in.limit(Math.max(arrived, in.position()));
            int from = in.position();
            result = body.skip(in, maxBody);
            check(in.position() >= from && in.position() <= in.limit(), "stays within what arrived");
            check(result == ChunkedBody.MORE || result == ChunkedBody.DONE || result == -400 || result == -413,
                    "a known result: " + result);
            check(result != ChunkedBody.MORE || !in.hasRemaining(), "wants more only once all is read");
            check(body.isActive() == (result == ChunkedBody.MORE) || result < 0, "active until done");
        }
        String outcome = result == ChunkedBody.DONE ? DONE
                : result == ChunkedBody.MORE ? MORE : String.valueOf(-result);
        return new Outcome(outcome, in.position());
    }

    /** The input's memory, direct as the kit's is, allocated once (per call made the tests far slower). */
    private static final ByteBuffer MEMORY = ByteBuffer.allocateDirect(64 * 1024);

    /** What a body gave, and where the decoder stopped (where the next request starts, when done). */
    record Outcome(String result, int position) {
    }

    private static void check(boolean holds, String what) {
        if (!holds) {
            throw new AssertionError(what);
        }
    }

    static byte[] input(Case c) {
        return bytes(c.body + AFTER);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void whole(Case c) {
        byte[] bytes = c.expected.equals(MORE) ? bytes(c.body) : input(c); // a body still to come has nothing after it
        Outcome outcome = decode(bytes, HeadReader.LIMITS.maxBodyBytes());
        assertThat(outcome.result()).as(printable(bytes)).isEqualTo(c.expected);
        if (!c.expected.startsWith("4")) {
            assertThat(outcome.position()).as("consumed exactly the body").isEqualTo(c.body.length());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void splitAtEveryByte(Case c) {
        byte[] bytes = c.expected.equals(MORE) ? bytes(c.body) : input(c);
        Outcome whole = decode(bytes, HeadReader.LIMITS.maxBodyBytes());
        assertThat(whole.result()).isEqualTo(c.expected);
        for (int split = 0; split <= bytes.length; split++) {
            assertThat(decode(bytes, HeadReader.LIMITS.maxBodyBytes(), split))
                    .as("split at " + split + " of " + printable(bytes)).isEqualTo(whole);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void byteByByte(Case c) {
        byte[] bytes = c.expected.equals(MORE) ? bytes(c.body) : input(c);
        int[] cuts = new int[bytes.length];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = i;
        }
        Outcome whole = decode(bytes, HeadReader.LIMITS.maxBodyBytes());
        assertThat(whole.result()).isEqualTo(c.expected);
        assertThat(decode(bytes, HeadReader.LIMITS.maxBodyBytes(), cuts)).as(printable(bytes)).isEqualTo(whole);
    }

    /** The fuzz's oracle, {@link ReferenceChunks}, agrees with the table wherever it can decide. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void referenceAgrees(Case c) {
        byte[] bytes = c.expected.equals(MORE) ? bytes(c.body) : input(c);
        String verdict = ReferenceChunks.verdict(bytes, HeadReader.LIMITS.maxBodyBytes());
        if (c.expected.equals(DONE)) {
            assertThat(verdict).isEqualTo("DONE at " + c.body.length());
        } else if (verdict == null) { // not all there: the decoder wants more, or refuses at a bad byte already
            assertThat(c.expected).isIn(MORE, "400");
        } else {
            assertThat(verdict).isEqualTo(c.expected);
        }
    }
}
