package loopwork.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

import loopwork.core.ConnectionHandler;
import loopwork.core.LoopInfo;
import loopwork.http.HttpExchange;
import loopwork.http.HttpLimits;
import loopwork.http.HttpProtocol;
import loopwork.http.HttpResponse;
import loopwork.http.HttpStats;
import loopwork.http.Route;

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
 * A request through the HTTP protocol's loop handler, as a loop calls it with the bytes a read brought: the
 * head parsed in place from a direct buffer, routed, and answered with a pre-encoded 200 into a
 * {@link StubConnection} that keeps nothing. No socket, no loop: what HTTP costs a loop per request, through
 * the module's API only. Three shapes: wrk's two-line request (the load benchmarks'), a browser's with a dozen
 * fields, and sixteen of wrk's back to back as a pipelining client sends them (one op serves all sixteen).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HttpRequestBench {

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

    /** The demo's fast route: a pre-encoded empty 200. */
    private static final class Fast implements Route {
        @Override
        public String path() {
            return "/test/fast";
        }

        @Override
        public void onRequest(HttpExchange exchange) {
            exchange.respond(HttpResponse.OK);
        }
    }

    private final StubConnection connection = new StubConnection();
    private ConnectionHandler handler;
    private HttpStats stats;
    private long checked;
    private ByteBuffer wrk;
    private ByteBuffer browser;
    private ByteBuffer pipeline;

    @Setup
    public void setUp() {
        LoopInfo loop = new LoopInfo(0, 1, 4096, 4096, LoopInfo.Role.ACCEPT_LOOP);
        HttpProtocol http = new HttpProtocol(List.of(new Fast()), HttpLimits.DEFAULTS);
        handler = http.newHandler(loop);
        stats = http.stats().getFirst();
        handler.onOpen(connection);
        wrk = direct(WRK);
        browser = direct(BROWSER);
        pipeline = direct(WRK.repeat(PIPELINE));
        // A change that stops answering these would otherwise go on being timed, as a fast failure.
        check(wrk(), WRK.length(), 1);
        check(browser(), BROWSER.length(), 1);
        check(pipeline16(), WRK.length() * PIPELINE, PIPELINE);
    }

    /** One request per op, wrk's: what /test/fast under wrk costs the loop in HTTP. */
    @Benchmark
    public int wrk() {
        return serve(wrk);
    }

    /** One request per op, a browser's: longer field lines, Connection tokens, a query. */
    @Benchmark
    public int browser() {
        return serve(browser);
    }

    /** Sixteen pipelined requests per op, in one read, each parsed from where the previous ended. */
    @Benchmark
    public int pipeline16() {
        return serve(pipeline);
    }

    /** The handler's call for one read of {@code in}; returns the bytes it consumed. */
    private int serve(ByteBuffer in) {
        in.position(0);
        handler.onData(connection, in);
        return in.position();
    }

    private static ByteBuffer direct(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
    }

    private void check(int consumed, int length, int requests) {
        long answered = stats.responses2xx();
        if (consumed != length || answered != checked + requests || !connection.isOpen()) {
            throw new IllegalStateException("consumed " + consumed + " of " + length + " bytes, answered "
                    + (answered - checked) + " of " + requests + " requests with 200");
        }
        checked = answered;
    }
}
