package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import loopwork.core.Kit;
import loopwork.core.ManualClient;
import loopwork.core.ManualKit;
import loopwork.http.HttpLimits;
import loopwork.http.HttpProtocol;
import loopwork.http.HttpStats;
import loopwork.http.RouteTable;

/**
 * {@code POST /test/echo} ({@link EchoRoute}) on a {@link ManualKit} with 4 KB buffers, stepped without threads:
 * a small body answered whole; a larger one answered as it comes, its head before its body, by Content-Length or
 * chunked; a client that stops reading while it sends (the echo waits, then goes on, or the write timeout resets
 * it); a chunked body over the limit after the answer began (closed, counted, no last chunk); a body cut short or
 * stalled; a head too long for the output now; HEAD, 100-continue, pipelining and HTTP/1.0. No body buffer is
 * used, and every context comes back.
 */
@Timeout(30)
class EchoRouteTest {

    private static final int MAX_BODY = 200_000;
    private static final long IDLE_MS = 60_000;
    private static final long WRITE_MS = 30_000;
    private final HttpProtocol http = new HttpProtocol(DemoRoutes.register(new RouteTable()),
            new HttpLimits(2048, MAX_BODY, 10_000, IDLE_MS, WRITE_MS), 2, 1);
    private final ManualKit kit;

    EchoRouteTest() throws IOException {
        kit = Kit.builder().protocol(http).acceptThreads(1).workerThreads(0).acceptCapacity(8).buildManual();
    }

    @AfterEach
    void everyContextCameBackAndNoBodyBufferWasUsed() {
        try {
            kit.runUntilIdle();
            assertThat(kit.poolsFull()).as(kit.toString()).isTrue();
            assertThat(kit.loopStats().get(0).handlerErrors()).isZero();
            assertThat(stats().bodyBuffersFree()).isEqualTo(stats().bodyBuffers());
        } finally {
            kit.close();
        }
    }

    private HttpStats stats() {
        return http.stats().get(0);
    }

    static String text(int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append((char) ('a' + i * 7 % 26));
        }
        return out.toString();
    }

    static String head(String version, int length, String extra) {
        return "POST /test/echo HTTP/1." + version + "\r\nHost: t\r\nContent-Type: text/x-test\r\n" + extra
                + "Content-Length: " + length + "\r\n\r\n";
    }

    static String post(String body) {
        return head("1", body.length(), "") + body;
    }

    static String chunked(String... chunks) {
        StringBuilder out = new StringBuilder("POST /test/echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (String chunk : chunks) {
            out.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        return out.append("0\r\n\r\n").toString();
    }

    /** One answer: its head (Date removed), its body (chunks joined), and whether it came whole. */
    record Answer(String head, String body, boolean whole) {
        int status() {
            return Integer.parseInt(head.substring(9, 12));
        }
    }

    /** The answers in {@code received}, the last one possibly cut short (then not whole). */
    static List<Answer> answers(String received) {
        List<Answer> answers = new ArrayList<>();
        int at = 0;
        while (at < received.length()) {
            int end = received.indexOf("\r\n\r\n", at);
            if (end < 0) {
                answers.add(new Answer(received.substring(at), "", false));
                break;
            }
            String head = received.substring(at, end + 2).replaceAll("Date: [^\r]*\r\n", "");
            at = end + 4;
            if (head.startsWith("HTTP/1.1 100 ")) {
                answers.add(new Answer(head, "", true));
                continue;
            }
            StringBuilder body = new StringBuilder();
            boolean whole;
            if (head.contains("Transfer-Encoding: chunked\r\n")) {
                whole = false;
                for (;;) {
                    int line = received.indexOf("\r\n", at);
                    if (line < 0) {
                        break;
                    }
                    int size = Integer.parseInt(received.substring(at, line), 16);
                    if (line + 2 + size + 2 > received.length()) {
                        body.append(received, Math.min(line + 2, received.length()), Math.min(line + 2 + size,
                                received.length()));
                        at = received.length();
                        break;
                    }
                    body.append(received, line + 2, line + 2 + size);
                    at = line + 2 + size + 2;
                    if (size == 0) {
                        whole = true;
                        break;
                    }
                }
            } else {
                int length = head.contains("Content-Length: ")
                        ? Integer.parseInt(head.replaceAll("(?s).*Content-Length: (\\d+)\r\n.*", "$1"))
                        : received.length() - at; // HTTP/1.0 until the close
                whole = at + length <= received.length();
                body.append(received, at, Math.min(received.length(), at + length));
                at += body.length();
            }
            answers.add(new Answer(head, body.toString(), whole));
        }
        return answers;
    }

    private List<Answer> answers(ManualClient client) {
        kit.runUntilIdle();
        return answers(client.receivedAscii());
    }

    @Test
    void aSmallBodyComesBackWholeWithItsContentType() {
        ManualClient client = kit.connect();
        client.send(post(text(1024)) + post("") + post("hi"));
        assertThat(answers(client)).satisfiesExactly(
                a -> {
                    assertThat(a.body()).isEqualTo(text(1024));
                    assertThat(a.head()).contains("Content-Type: text/x-test\r\n", "Content-Length: 1024\r\n");
                },
                a -> assertThat(a.head()).contains("Content-Length: 0\r\n"),
                a -> assertThat(a.body()).isEqualTo("hi"));
        client.shutdownOutput();
    }

    @Test
    void aLargeBodyIsAnsweredAsItComesItsHeadFirst() {
        ManualClient client = kit.connect();
        String body = text(100_000);
        client.send(head("1", body.length(), ""));
        kit.runUntilIdle();
        String head = client.receivedAscii();
        assertThat(head).as("the answer's head, before any body").startsWith("HTTP/1.1 200 OK\r\n")
                .contains("Content-Length: 100000\r\n", "Content-Type: text/x-test\r\n").endsWith("\r\n\r\n");
        StringBuilder echoed = new StringBuilder();
        for (int at = 0; at < body.length(); at += 7_000) {
            String part = body.substring(at, Math.min(body.length(), at + 7_000));
            client.send(part);
            kit.runUntilIdle();
            String back = client.receivedAscii();
            assertThat(back).as("each part back as it came").isEqualTo(part);
            echoed.append(back);
        }
        client.send(RawHttp.FAST.replace("/test/fast", "/test/items/7"));
        assertThat(answers(client)).extracting(Answer::body).containsExactly("7");
        assertThat(echoed.toString()).isEqualTo(body);
        client.shutdownOutput();
    }

    @Test
    void piecesLargerThanTheOutputGoBackInSeveralWritesWithNothingMoreToCome() throws IOException {
        HttpProtocol small = new HttpProtocol(DemoRoutes.register(new RouteTable()), HttpLimits.DEFAULTS, 2, 1);
        try (ManualKit kit = Kit.builder().protocol(small).acceptThreads(1).workerThreads(0).acceptCapacity(2)
                .outputBufferBytes(1024).buildManual()) {
            ManualClient client = kit.connect();
            String body = text(4000);
            // Each body comes in one read after its head, and goes out in four writes, with no read in between.
            for (String request : List.of(post(body), chunked(body).replace("0\r\n\r\n", ""))) {
                int headEnd = request.indexOf("\r\n\r\n") + 4;
                client.send(request.substring(0, headEnd));
                kit.runUntilIdle();
                client.send(request.substring(headEnd));
                kit.runUntilIdle();
                assertThat(answers(client.receivedAscii())).singleElement()
                        .satisfies(a -> assertThat(a.body()).isEqualTo(body));
            }
            client.send("0\r\n\r\n");
            kit.runUntilIdle();
            assertThat(client.receivedAscii()).isEqualTo("0\r\n\r\n");
            client.shutdownOutput();
            kit.runUntilIdle();
            assertThat(kit.poolsFull()).isTrue();
        }
    }

    @Test
    void aChunkedBodyIsAnsweredChunked() {
        ManualClient client = kit.connect();
        String big = text(30_000);
        client.send(chunked("abc", big, "z") + chunked());
        assertThat(answers(client)).satisfiesExactly(
                a -> {
                    assertThat(a.whole()).isTrue();
                    assertThat(a.head()).contains("Transfer-Encoding: chunked\r\n",
                            "Content-Type: application/octet-stream\r\n");
                    assertThat(a.body()).isEqualTo("abc" + big + "z");
                },
                a -> assertThat(a.whole() && a.body().isEmpty()).isTrue());
        client.shutdownOutput();
    }

    @Test
    void aClientThatStopsReadingHoldsTheEchoBackThenGetsItAll() {
        ManualClient client = kit.connect();
        client.window(0);
        String body = text(150_000);
        client.send(post(body) + post("after"));
        kit.runUntilIdle(); // which throws if the loop kept itself busy: it waits, the rest of the body unread
        assertThat(client.isClosedByServer()).isFalse();
        client.window(Integer.MAX_VALUE);
        assertThat(answers(client)).extracting(Answer::body).containsExactly(body, "after");
        assertThat(stats().timeouts()).isZero();
        client.shutdownOutput();
    }

    @Test
    void aClientThatNeverReadsIsResetAfterTheWriteTimeout() {
        ManualClient client = kit.connect();
        client.window(0);
        client.send(post(text(150_000)));
        kit.runUntilIdle();
        kit.advanceMs(WRITE_MS - 100);
        assertThat(client.isClosedByServer()).isFalse();
        kit.advanceMs(200);
        assertThat(client.wasReset()).isTrue();
        assertThat(stats().timeouts()).isEqualTo(1);
    }

    @Test
    void aChunkedBodyOverTheLimitAfterTheAnswerBeganClosesAndIsCounted() {
        ManualClient client = kit.connect();
        client.send(chunked(text(MAX_BODY), "x") + post("never answered"));
        List<Answer> answers = answers(client);
        assertThat(client.isClosedByServer()).isTrue();
        assertThat(answers).singleElement().satisfies(a -> {
            assertThat(a.status()).isEqualTo(200);
            assertThat(a.whole()).as("no last chunk: the client sees the answer cut short").isFalse();
        });
        assertThat(stats().badBodies()).isEqualTo(1);
    }

    @Test
    void aBodyCutShortEndsItsAnswerCutShort() {
        ManualClient client = kit.connect();
        client.send(post(text(20_000)).substring(0, 12_000));
        kit.runUntilIdle();
        client.shutdownOutput();
        List<Answer> answers = answers(client);
        assertThat(client.isClosedByServer()).isTrue();
        assertThat(answers).singleElement().satisfies(a -> assertThat(a.whole()).isFalse());

        ManualClient chunked = kit.connect(); // the same, chunked, ended with a FIN in the middle of a chunk
        chunked.send(chunked(text(10_000)).substring(0, 5_000));
        kit.runUntilIdle();
        chunked.shutdownOutput();
        assertThat(answers(chunked)).singleElement().satisfies(a -> assertThat(a.whole()).isFalse());
        assertThat(chunked.isClosedByServer()).isTrue();
    }

    @Test
    void aBodyStalledOrTrickledIsClosedAfterTheIdleTimeout() {
        ManualClient stalled = kit.connect();
        stalled.send(post(text(20_000)).substring(0, 9_000));
        ManualClient trickled = kit.connect();
        trickled.send(head("1", 20_000, ""));
        kit.runUntilIdle();
        for (int i = 0; i < 5; i++) { // a byte every fifth of the timeout does not extend it
            kit.advanceMs(IDLE_MS / 5 - 1);
            trickled.send("a");
            kit.runUntilIdle();
        }
        assertThat(stalled.isClosedByServer()).isFalse();
        assertThat(trickled.isClosedByServer()).isFalse();
        kit.advanceMs(10);
        assertThat(stalled.isClosedByServer()).isTrue();
        assertThat(trickled.isClosedByServer()).isTrue();
        assertThat(stats().timeouts()).isEqualTo(2);
    }

    @Test
    void anAnswerHeadThatDoesNotFitTheOutputNowGets503AndTheBodyIsReadPast() {
        ManualClient client = kit.connect();
        client.window(0);
        String listing = "GET /test/headers HTTP/1.1\r\nHost: t\r\nX-Long: " + "h".repeat(3_400) + "\r\n\r\n";
        client.send(listing);
        kit.runUntilIdle(); // its answer, about 3.5 KB, waits for the client in the output
        String type = "text/" + "t".repeat(600);
        client.send(post(text(10_000)).replace("text/x-test", type) + post("next"));
        kit.runUntilIdle();
        client.window(Integer.MAX_VALUE);
        assertThat(answers(client)).extracting(Answer::status).containsExactly(200, 503, 200);
        client.shutdownOutput();
    }

    @Test
    void headIsNotAllowed() {
        ManualClient client = kit.connect();
        client.send("HEAD /test/echo HTTP/1.1\r\nHost: t\r\n\r\n");
        assertThat(answers(client)).singleElement().satisfies(a -> {
            assertThat(a.status()).isEqualTo(405);
            assertThat(a.head()).contains("Allow: POST\r\n");
        });
        client.shutdownOutput();
    }

    @Test
    void aClientWaitingFor100ContinueGetsItThenTheAnswerAsItSends() {
        ManualClient client = kit.connect();
        String body = text(50_000);
        client.send(head("1", body.length(), "Expect: 100-continue\r\n"));
        kit.runUntilIdle();
        assertThat(client.receivedAscii()).startsWith("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\n")
                .endsWith("\r\n\r\n");
        client.send(body);
        kit.runUntilIdle();
        assertThat(client.receivedAscii()).isEqualTo(body);
        client.send(head("1", 3, "Expect: 100-continue\r\n") + "abc");
        assertThat(answers(client)).extracting(Answer::status, Answer::body)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(100, ""),
                        org.assertj.core.groups.Tuple.tuple(200, "abc"));
        client.shutdownOutput();
    }

    @Test
    void pipelinedRequestsAfterAnEchoAreAnsweredInOrder() {
        ManualClient client = kit.connect();
        String big = text(40_000);
        client.send(post(big) + chunked("tw", "o") + post("three") + RawHttp.FAST.replace("/test/fast", "/test/items/4")
                + post(text(9_000)));
        assertThat(answers(client)).extracting(a -> a.body().length() > 100 ? a.body().hashCode() + "" : a.body())
                .containsExactly(big.hashCode() + "", "two", "three", "4", text(9_000).hashCode() + "");
        client.shutdownOutput();
    }

    @Test
    void http10GetsItsEchoAndTheCloseItAskedFor() {
        ManualClient closing = kit.connect();
        String body = text(12_000);
        closing.send(head("0", body.length(), "") + body);
        assertThat(answers(closing)).singleElement().satisfies(a -> {
            assertThat(a.head()).startsWith("HTTP/1.1 200 OK\r\n").contains("Connection: close\r\n");
            assertThat(a.body()).isEqualTo(body);
        });
        assertThat(closing.isClosedByServer()).isTrue();

        ManualClient kept = kit.connect();
        kept.send(head("0", body.length(), "Connection: keep-alive\r\n") + body + head("0", 2, "") + "ok");
        assertThat(answers(kept)).extracting(Answer::body).containsExactly(body, "ok");
        assertThat(kept.isClosedByServer()).isTrue();
    }
}
