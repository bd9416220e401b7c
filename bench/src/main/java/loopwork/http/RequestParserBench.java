package loopwork.http;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link RequestParser#parse} over a request head lying in a direct buffer, as it lies in a loop's scratch
 * input: every request a loop serves goes through it once, so its cost bounds requests per core. Three
 * shapes: wrk's two-line request (the load benchmarks'), a browser's with a dozen fields, and sixteen of
 * wrk's back to back as a pipelining client sends them (one op parses all sixteen heads).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class RequestParserBench {

    static final String WRK = "GET /test/fast HTTP/1.1\r\nHost: 127.0.0.1:9000\r\n\r\n";
    static final String BROWSER = """
            GET /test/fast?id=42 HTTP/1.1\r
            Host: 127.0.0.1:9000\r
            User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0\r
            Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r
            Accept-Language: en-US,en;q=0.5\r
            Accept-Encoding: gzip, deflate, br, zstd\r
            Connection: keep-alive\r
            Cookie: session=6f1c2a9be04d4f7a8c3e5b1d; theme=dark\r
            Upgrade-Insecure-Requests: 1\r
            Sec-Fetch-Dest: document\r
            Sec-Fetch-Mode: navigate\r
            Sec-Fetch-Site: none\r
            Priority: u=0, i\r
            \r
            """;
    static final int PIPELINE = 16;

    private final HttpExchange exchange = new HttpExchange(new HttpStats());
    /** The server's defaults: only the target's length is checked against them while parsing these. */
    private final HttpLimits limits = HttpLimits.DEFAULTS;
    private ByteBuffer wrk;
    private ByteBuffer browser;
    private ByteBuffer pipeline;

    @Setup
    public void setUp() {
        wrk = direct(WRK);
        browser = direct(BROWSER);
        pipeline = direct(WRK.repeat(PIPELINE));
        // A parser change that rejects these would otherwise go on being timed, as a fast failure.
        check(wrk(), WRK.length());
        check(browser(), BROWSER.length());
        check(pipeline16(), WRK.length() * PIPELINE);
    }

    /** One head per op, wrk's: what /test/fast under wrk costs in parsing. */
    @Benchmark
    public int wrk() {
        exchange.startRequest(wrk);
        return RequestParser.parse(wrk, 0, wrk.limit(), exchange, limits);
    }

    /** One head per op, a browser's: longer field lines, Connection tokens, a query. */
    @Benchmark
    public int browser() {
        exchange.startRequest(browser);
        return RequestParser.parse(browser, 0, browser.limit(), exchange, limits);
    }

    /** Sixteen pipelined heads per op, each parsed from where the previous ended, as the handler does. */
    @Benchmark
    public int pipeline16() {
        int start = 0;
        int end = pipeline.limit();
        for (int k = 0; k < PIPELINE; k++) {
            exchange.startRequest(pipeline);
            int length = RequestParser.parse(pipeline, start, end, exchange, limits);
            if (length <= 0) {
                return length;
            }
            start += length;
        }
        return start;
    }

    private static ByteBuffer direct(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    private static void check(int parsed, int expected) {
        if (parsed != expected) {
            throw new IllegalStateException("parsed " + parsed + ", expected " + expected);
        }
    }
}
