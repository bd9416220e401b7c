package loopwork.http;

import static loopwork.http.HeadReader.bytes;
import static loopwork.http.HeadReader.printable;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * An in-process mutation fuzz of {@link RequestParser} and {@link ChunkedBody}: the tables' cases with bytes
 * flipped, inserted, deleted, repeated, and lines of framing spliced in. Whatever comes, the parser must
 * not throw, must give a known result, keep within the bytes given, let nothing through that docs/http.md's
 * rules refuse, agree with those rules written plainly ({@link ReferenceHead}, {@link ReferenceChunks})
 * wherever a whole head or body is there, and give the same result at any offset in the input and split
 * at random bytes. Bounded and seeded: fixed seeds, so that the suite is the same on every run, and one more
 * when asked for with {@code -Dloopwork.fuzz.seed=N}, or {@code =random} for a new one; a failure names its
 * seed, which replays it. {@code
 * -Dloopwork.fuzz.cases=N} runs longer.
 */
class ParserFuzzTest {

    private static final long[] SEEDS = {1L, 20261207L, 0x10097C0DEL};
    /** Mutants per seed; {@code -Dloopwork.fuzz.cases=N} for a longer hunt. */
    private static final int CASES = Integer.getInteger("loopwork.fuzz.cases", 20_000);
    private static final byte[] INTERESTING =
            bytes(" \t\r\n:;,=?/-\"0123456789afAFxX\u0000\u0001\u000b\u001f\u007f\u0080\u00ff");
    private static final String[] SPLICES = {
        "\r\n", "\n", "\r", "\r\n\r\n", "Host: b\r\n", "Content-Length: 5\r\n", "Content-Length: 5, 6\r\n",
        "Transfer-Encoding: chunked\r\n", "Transfer-Encoding: gzip\r\n", "Expect: 100-continue\r\n", "Expect: x\r\n",
        "Connection: close\r\n", " HTTP/1.0", " HTTP/2.0", "0\r\n\r\n", "5\r\nhello\r\n", ";ext=1", "fffffffffffffff",
        "X: y\r\n", "\r\n ", "?q=1",
    };
    private static final List<Integer> KNOWN_ERRORS = List.of(-400, -413, -414, -417, -431, -501, -505);

    @Test
    void requestHeadsFixedSeeds() {
        for (long seed : SEEDS) {
            fuzz(seed, heads(), ParserFuzzTest::checkHead);
        }
    }

    @Test
    void requestHeadsRunSeed() {
        fuzz(runSeed("request heads"), heads(), ParserFuzzTest::checkHead);
    }

    @Test
    void chunkedBodiesFixedSeeds() {
        for (long seed : SEEDS) {
            fuzz(seed, bodies(), ParserFuzzTest::checkBody);
        }
    }

    @Test
    void chunkedBodiesRunSeed() {
        fuzz(runSeed("chunked bodies"), bodies(), ParserFuzzTest::checkBody);
    }

    private static long runSeed(String what) {
        String asked = System.getProperty("loopwork.fuzz.seed");
        Assumptions.assumeTrue(asked != null, "no -Dloopwork.fuzz.seed: the fixed seeds only");
        long seed = asked.equals("random") ? System.nanoTime() : Long.parseLong(asked);
        System.out.println("ParserFuzzTest " + what + ": seed " + seed + " (replay: -Dloopwork.fuzz.seed=" + seed
                + ")");
        return seed;
    }

    private static byte[][] heads() {
        return RequestParserTest.all().map(RequestParserTest::input).toArray(byte[][]::new);
    }

    private static byte[][] bodies() {
        return ChunkedBodyTest.cases().map(ChunkedBodyTest::input).toArray(byte[][]::new);
    }

    /** Checks {@code CASES} mutants of the corpus; a failure names the seed, the case and its bytes. */
    private static void fuzz(long seed, byte[][] corpus, BiConsumer<byte[], SplittableRandom> check) {
        SplittableRandom random = new SplittableRandom(seed);
        for (int n = 0; n < CASES; n++) {
            byte[] bytes = mutate(corpus, random);
            try {
                check.accept(bytes, random);
            } catch (Throwable e) { // a throw from the parser is a failure as much as a broken rule
                throw new AssertionError("seed " + seed + " (replay: -Dloopwork.fuzz.seed=" + seed + "), case " + n
                        + ", " + printable(bytes) + ": " + e, e);
            }
        }
    }

    private static void checkHead(byte[] bytes, SplittableRandom random) {
        HeadReader whole = new HeadReader(0);
        String outcome = whole.present(bytes, bytes.length);
        int result = whole.result;
        check(result >= 0 || KNOWN_ERRORS.contains(result), "a known result: " + result);
        if (result > 0) {
            checkValid(bytes, result, whole.exchange());
        }
        String verdict = ReferenceHead.verdict(bytes, Math.min(bytes.length, HeadReader.CAPACITY), HeadReader.LIMITS);
        if (verdict == null) {
            check(result <= 0, "a head taken that is not all there: " + outcome);
        } else if (result == RequestParser.INCOMPLETE && !verdict.contains(" ")) {
            // It may wait for a byte or two past a line's end (the version's three), then refuse as the rules do.
            byte[] more = Arrays.copyOf(bytes, bytes.length + 4);
            System.arraycopy(bytes("\r\n\r\n"), 0, more, bytes.length, 4);
            String later = new HeadReader(0).present(more, more.length);
            check(later.equals(verdict), "the parser waits, then says " + later + ", the rules " + verdict);
        } else {
            String found = result > 0 ? outcome + " head=" + result : outcome;
            check(found.equals(verdict), "the parser says " + found + ", the rules " + verdict);
        }
        HeadReader offset = new HeadReader(random.nextInt(1, 8));
        check(offset.present(bytes, bytes.length).equals(outcome), "the same at an offset");
        int split = random.nextInt(bytes.length + 1);
        HeadReader pieces = new HeadReader(random.nextInt(8));
        String first = pieces.present(bytes, split);
        if (first.equals(HeadReader.INCOMPLETE)) {
            String second = pieces.present(bytes, bytes.length);
            check(second.equals(outcome), "split at " + split + ": " + second + ", whole: " + outcome);
        } else {
            check(first.equals(outcome), "split at " + split + ", decided early: " + first + ", whole: " + outcome);
        }
    }

    /** What a head the parser took must be: nothing in it that docs/http.md's rules refuse. */
    private static void checkValid(byte[] bytes, int length, HttpExchange ex) {
        check(bytes[length - 1] == '\n', "a head ends with a line's end");
        for (int i = 0; i < length; i++) {
            int c = bytes[i] & 0xFF;
            check(c >= 0x20 && c != 0x7F || c == '\t' || c == '\r' || c == '\n', "no control at " + i);
            check(c != '\r' || bytes[i + 1] == '\n', "no bare CR at " + i);
        }
        check(ex.method != null, "a method");
        check(ex.versionMinor == 0 || ex.versionMinor == 1, "HTTP/1.0 or 1.1");
        check(0 < ex.pathStart && ex.pathStart <= ex.pathEnd && ex.pathEnd < length, "a path within the head");
        for (int i = ex.pathStart; i < ex.pathEnd; i++) {
            check(bytes[i] > 0x20 && bytes[i] != 0x7F && bytes[i] != '?', "a path of visible bytes, no query");
        }
        check(ex.versionMinor == 1 ? ex.hostHeaders == 1 : ex.hostHeaders <= 1, "Host rules");
        check(ex.contentLength <= HeadReader.LIMITS.maxBodyBytes(), "Content-Length within --max-body");
        check(ex.transferEncoding == HttpExchange.TE_NONE
                || ex.transferEncoding == HttpExchange.TE_CHUNKED && ex.contentLength < 0 && ex.versionMinor == 1,
                "chunked alone, in HTTP/1.1");
        check(ex.expect != HttpExchange.EXPECT_OTHER, "no unknown expectation");
    }

    private static void checkBody(byte[] bytes, SplittableRandom random) {
        long maxBody = HeadReader.LIMITS.maxBodyBytes();
        ChunkedBodyTest.Outcome whole = ChunkedBodyTest.decode(bytes, maxBody);
        if (whole.result().equals(ChunkedBodyTest.DONE)) {
            check(whole.position() >= 5 && bytes[whole.position() - 2] == '\r' && bytes[whole.position() - 1] == '\n',
                    "a body ends with CRLF");
        }
        String verdict = ReferenceChunks.verdict(bytes, maxBody);
        String found = whole.result().equals(ChunkedBodyTest.DONE) ? "DONE at " + whole.position() : whole.result();
        if (verdict == null) {
            check(!found.startsWith(ChunkedBodyTest.DONE), "done before all is there: " + found);
        } else {
            check(found.equals(verdict), "the decoder says " + found + ", the rules " + verdict);
        }
        int split = random.nextInt(bytes.length + 1);
        ChunkedBodyTest.Outcome pieces = ChunkedBodyTest.decode(bytes, maxBody, split);
        check(pieces.equals(whole), "split at " + split + ": " + pieces + ", whole: " + whole);
        int[] cuts = new int[random.nextInt(1, 6)];
        for (int i = 0; i < cuts.length; i++) {
            cuts[i] = random.nextInt(bytes.length + 1);
        }
        Arrays.sort(cuts);
        ChunkedBodyTest.Outcome many = ChunkedBodyTest.decode(bytes, maxBody, cuts);
        check(many.equals(whole), "cut at " + Arrays.toString(cuts) + ": " + many + ", whole: " + whole);
    }

    /** One to four mutations of a case from the corpus (sometimes none: the case itself). */
    static byte[] mutate(byte[][] corpus, SplittableRandom random) {
        byte[] now = corpus[random.nextInt(corpus.length)];
        ByteArrayOutputStream out = new ByteArrayOutputStream(now.length + 64);
        for (int m = random.nextInt(5); m > 0; m--) {
            out.reset();
            int at = random.nextInt(now.length + 1);
            switch (random.nextInt(7)) {
                case 0 -> { // flip a bit
                    out.writeBytes(now);
                    if (at < now.length) {
                        byte[] flipped = out.toByteArray();
                        flipped[at] ^= (byte) (1 << random.nextInt(8));
                        out.reset();
                        out.writeBytes(flipped);
                    }
                }
                case 1 -> { // replace a byte with one that matters to the grammar
                    out.writeBytes(now);
                    if (at < now.length) {
                        byte[] replaced = out.toByteArray();
                        replaced[at] = INTERESTING[random.nextInt(INTERESTING.length)];
                        out.reset();
                        out.writeBytes(replaced);
                    }
                }
                case 2 -> { // insert such bytes
                    out.write(now, 0, at);
                    for (int k = random.nextInt(1, 4); k > 0; k--) {
                        out.write(INTERESTING[random.nextInt(INTERESTING.length)]);
                    }
                    out.write(now, at, now.length - at);
                }
                case 3 -> { // delete a range
                    int end = Math.min(now.length, at + random.nextInt(1, 8));
                    out.write(now, 0, at);
                    out.write(now, end, now.length - end);
                }
                case 4 -> { // repeat a range
                    int end = Math.min(now.length, at + random.nextInt(1, 40));
                    out.write(now, 0, end);
                    out.write(now, at, now.length - at);
                }
                case 5 -> { // splice in a piece of framing
                    out.write(now, 0, at);
                    out.writeBytes(bytes(SPLICES[random.nextInt(SPLICES.length)]));
                    out.write(now, at, now.length - at);
                }
                default -> out.write(now, 0, at); // cut short
            }
            now = out.toByteArray();
        }
        return now;
    }

    private static void check(boolean holds, String what) {
        if (!holds) {
            throw new AssertionError(what);
        }
    }
}
