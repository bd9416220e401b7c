package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import loopwork.http.HttpLimits;

/**
 * Random and mutated requests against the running server, bounded in count and time. Each case is sent on
 * its own connection, the client then half-closes, and everything the server answered must be well-formed
 * HTTP/1.1 responses; afterwards the server still serves, no handler failed, and every pool is full.
 * One run uses a fixed seed; another a new seed each run, printed so a failure can be replayed.
 */
class FuzzTest {

    private static final String[] CORPUS = {
        "GET /test/fast HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /test/slow HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        "GET /test/sync HTTP/1.1\r\nHost: a\r\n\r\nGET /test/fast HTTP/1.1\r\nHost: a\r\n\r\n",
        "GET /test/async HTTP/1.1\r\nHost: a\r\n\r\n",
        "HEAD /metrics HTTP/1.1\r\nHost: a\r\nUser-Agent: fuzz\r\nAccept: */*\r\n\r\n",
        "POST /test/fast HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
        "PUT /x HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwiki\r\n0\r\n\r\n",
        "GET /test/fast?x=1&y=2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\nGET /test/fast HTTP/1.0\r\n\r\n",
        "GET /test/fast HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\nok",
        "GET /test/stream?bytes=100 HTTP/1.1\r\nHost: a\r\n\r\n",
        "POST /test/echo HTTP/1.1\r\nHost: a\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhelloGET /test/fast"
                + " HTTP/1.1\r\nHost: a\r\n\r\n",
        "POST /test/echo HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n4;x=y\r\nwiki\r\n2\r\nab\r\n0\r\n"
                + "T: 1\r\n\r\nPOST /test/echo HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\nabc",
        "GET /test/items/42?q=%20 HTTP/1.1\r\nHost: a\r\n\r\nGET /test/headers HTTP/1.1\r\nHost: a\r\nX-A: 1\r\n"
                + "x-a: 2\r\n\r\n",
    };
    private static final byte[] INTERESTING = " \t\r\n:;,0123456789\u0000\u007f\u0080\u00ff%?=/-".getBytes(
            StandardCharsets.ISO_8859_1);
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)\r\ncontent-length: (\\d+)\r\n");
    private static final Pattern CHUNKED = Pattern.compile("(?i)\r\ntransfer-encoding: chunked\r\n");
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 [1-5]\\d\\d [A-Za-z -]+");

    @Test
    void fixedSeed() throws Exception {
        fuzz(20261126L, 4000);
    }

    @Test
    void newSeedEachRun() throws Exception {
        long seed = System.nanoTime();
        System.out.println("FuzzTest seed " + seed + " (replay: fuzz(" + seed + "L, 4000))");
        fuzz(seed, 4000);
    }

    private static void fuzz(long seed, int cases) throws Exception {
        HttpLimits limits = new HttpLimits(256, 4096, 2_000, 2_000, 2_000);
        try (TestServer server = TestServer.start(128, limits);
                ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
            SplittableRandom random = new SplittableRandom(seed);
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < cases; i++) {
                byte[] request = mutate(random.split());
                int port = server.port();
                results.add(clients.submit(() -> {
                    check(port, request);
                    return null;
                }));
                if (results.size() == 32) { // bounded concurrency, under the pool's 128
                    drain(results, seed);
                }
            }
            drain(results, seed);
            try (RawHttp client = new RawHttp(server.port())) {
                assertThat(client.exchange(RawHttp.FAST).status()).isEqualTo(200);
            }
        } // TestServer.close: pools full, no handler errors, no loop failures
    }

    private static void drain(List<Future<?>> results, long seed) throws Exception {
        for (Future<?> result : results) {
            try {
                result.get(20, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError("seed " + seed + ": " + e.getCause().getMessage(), e.getCause());
            }
        }
        results.clear();
    }

    private static byte[] mutate(SplittableRandom random) {
        byte[] base = CORPUS[random.nextInt(CORPUS.length)].getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(base);
        int mutations = random.nextInt(5); // 0: a valid request now and then
        for (int m = 0; m < mutations; m++) {
            byte[] now = out.toByteArray();
            out.reset();
            int at = random.nextInt(now.length + 1);
            switch (random.nextInt(6)) {
                case 0 -> { // replace a byte
                    if (at < now.length) {
                        now[at] = pick(random);
                    }
                    out.writeBytes(now);
                }
                case 1 -> { // insert bytes
                    out.write(now, 0, at);
                    for (int k = random.nextInt(1, 4); k > 0; k--) {
                        out.write(pick(random));
                    }
                    out.write(now, at, now.length - at);
                }
                case 2 -> { // delete a range
                    int end = Math.min(now.length, at + random.nextInt(1, 8));
                    out.write(now, 0, at);
                    out.write(now, end, now.length - end);
                }
                case 3 -> { // repeat a range
                    int end = Math.min(now.length, at + random.nextInt(1, 40));
                    out.write(now, 0, end);
                    out.write(now, at, now.length - at);
                }
                case 4 -> out.write(now, 0, at); // truncate
                default -> { // random garbage
                    out.writeBytes(now);
                    for (int k = random.nextInt(1, 64); k > 0; k--) {
                        out.write(random.nextInt(256));
                    }
                }
            }
        }
        return out.toByteArray();
    }

    private static byte pick(SplittableRandom random) {
        return random.nextBoolean() ? INTERESTING[random.nextInt(INTERESTING.length)] : (byte) random.nextInt(256);
    }

    /** Sends, half-closes, reads to the end: the bytes must be a sequence of well-formed responses. */
    private static void check(int port, byte[] request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setSoTimeout(10_000);
            try {
                socket.getOutputStream().write(request);
                socket.shutdownOutput();
            } catch (IOException e) {
                return; // the server closed first (it rejected an earlier part): fine
            }
            byte[] answer;
            try {
                answer = readAll(socket.getInputStream());
            } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("no end of answer in 10 s for " + printable(request));
            }
            String text = new String(answer, StandardCharsets.ISO_8859_1);
            int at = 0;
            while (at < text.length()) {
                int headEnd = text.indexOf("\r\n\r\n", at);
                if (headEnd < 0) {
                    throw new AssertionError("truncated answer " + printable(answer) + " to " + printable(request));
                }
                String head = text.substring(at, headEnd + 2);
                String statusLine = head.substring(0, head.indexOf("\r\n"));
                if (!STATUS_LINE.matcher(statusLine).matches()) {
                    throw new AssertionError("bad status line '" + statusLine + "' for " + printable(request));
                }
                Matcher length = CONTENT_LENGTH.matcher(head);
                boolean headRequest = new String(request, StandardCharsets.ISO_8859_1).startsWith("HEAD");
                if (CHUNKED.matcher(head).find() && !headRequest) {
                    at = chunksEnd(text, headEnd + 4, answer, request);
                    continue;
                }
                int body = length.find() && !headRequest && !statusLine.contains(" 100 ")
                        ? Integer.parseInt(length.group(1)) : 0;
                at = headEnd + 4 + body;
            }
        }
    }

    /**
     * Where a chunked body from {@code at} ends: well-framed chunks, the last chunk, no trailers; or the end of the
     * text, for an echo cut short with its request's body (a streamed answer has no other way to say so).
     */
    private static int chunksEnd(String text, int at, byte[] answer, byte[] request) {
        for (;;) {
            int line = text.indexOf("\r\n", at);
            if (line < 0) {
                return text.length();
            }
            int size;
            try {
                size = Integer.parseInt(text.substring(at, line), 16);
            } catch (NumberFormatException e) {
                throw new AssertionError("bad chunk size in " + printable(answer) + " to " + printable(request));
            }
            at = line + 2 + size;
            if (at + 2 > text.length()) {
                return text.length();
            }
            if (!text.startsWith("\r\n", at)) {
                throw new AssertionError("bad chunk end in " + printable(answer) + " to " + printable(request));
            }
            at += 2;
            if (size == 0) {
                return at;
            }
        }
    }

    private static byte[] readAll(InputStream in) throws IOException {
        try {
            return in.readAllBytes();
        } catch (java.net.SocketException e) {
            return new byte[0]; // reset after an error answer that closed: acceptable
        }
    }

    private static String printable(byte[] bytes) {
        StringBuilder out = new StringBuilder("\"");
        for (byte b : bytes) {
            int c = b & 0xFF;
            out.append(c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : String.format("\\x%02x", c));
        }
        return out.append('"').toString();
    }
}
