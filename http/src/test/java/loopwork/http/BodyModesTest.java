package loopwork.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import loopwork.core.ManualClient;
import loopwork.core.ManualKit;

/**
 * Request bodies on a {@link ManualKit}, stepped without threads, in each way a route may take them: whole
 * (in the input when it fits there with its head, else gathered in one of the loop's body buffers; 503 when
 * none is free), in pieces, and read by blocking code after a hand-off; Content-Length and chunked, whole or
 * trickled, after a 100 Continue, pipelined, cut short, over the limit. Each request gets one answer, and every
 * context and body buffer comes back.
 */
@Timeout(30)
class BodyModesTest {

    private static final int MAX_BODY = 20_000;
    private final HttpProtocol http;
    private final ManualKit kit;

    BodyModesTest() throws IOException {
        RouteTable routes = new RouteTable()
                .post("/echo", ex -> {
                    ByteView type = ex.header("Content-Type");
                    ex.respond(200, type != null ? type : "application/octet-stream", ex.body());
                })
                .add(HttpMethod.POST, "/count", BodyMode.PIECES, new Route() {
                    @Override
                    public void onRequest(HttpExchange ex) {
                        ex.note(0);
                    }

                    @Override
                    public int onBodyPiece(HttpExchange ex, ByteView piece) {
                        ex.note(ex.note() + piece.length());
                        return piece.length();
                    }

                    @Override
                    public void onBodyEnd(HttpExchange ex) {
                        ex.respond(200, "text/plain", String.valueOf(ex.note()).getBytes(StandardCharsets.US_ASCII));
                    }
                })
                .post("/blocking", (ex, blocking) -> {
                    InputStream body = ex.bodyStream(blocking);
                    byte[] all = body.readAllBytes();
                    byte[] answer = (all.length + ":" + new String(all, 0, Math.min(5, all.length),
                            StandardCharsets.US_ASCII)).getBytes(StandardCharsets.US_ASCII);
                    ex.respond(blocking, 200, "text/plain", answer, 0, answer.length);
                })
                .get("/fast", ex -> ex.respond(HttpResponse.OK));
        http = new HttpProtocol(routes, new HttpLimits(2048, MAX_BODY, 10_000, 60_000, 30_000), 1);
        kit = ManualHttp.kit(http);
    }

    @AfterEach
    void everyContextAndBodyBufferCameBack() {
        try {
            kit.runUntilIdle();
            assertThat(kit.poolsFull()).as(kit.toString()).isTrue();
            for (HttpStats stats : http.stats()) {
                assertThat(stats.bodyBuffersFree()).as("body buffers free").isEqualTo(stats.bodyBuffers());
            }
            assertThat(kit.loopStats().get(0).handlerErrors()).isZero();
        } finally {
            kit.close();
        }
    }

    static String post(String path, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: t\r\nContent-Type: text/x-test\r\nContent-Length: " + body.length()
                + "\r\n\r\n" + body;
    }

    static String chunkedPost(String path, String... chunks) {
        StringBuilder out = new StringBuilder("POST " + path + " HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (String chunk : chunks) {
            out.append(Integer.toHexString(chunk.length())).append("\r\n").append(chunk).append("\r\n");
        }
        return out.append("0\r\n\r\n").toString();
    }

    static String text(int length) {
        StringBuilder out = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            out.append((char) ('a' + i % 26));
        }
        return out.toString();
    }

    /** An answer's body, shortened for a failure's message: its length, and where it differs shows. */
    static String digest(String body) {
        return body.length() + ":" + body.hashCode();
    }

    private List<ManualHttp.Answer> answers(ManualClient client) {
        kit.runUntilIdle();
        return ManualHttp.answers(client.receivedAscii());
    }

    @Test
    void aSmallBodyIsAnsweredWholeWhereverItsBytesCameIn() {
        ManualClient client = kit.connect();
        String request = post("/echo", "hello body");
        client.send(request);
        assertThat(answers(client)).singleElement().satisfies(answer -> {
            assertThat(answer.body()).isEqualTo("hello body");
            assertThat(answer.head()).contains("Content-Type: text/x-test\r\n");
        });
        for (int cut = 1; cut < request.length(); cut += 7) { // the head, or the body, cut anywhere
            client.send(request.substring(0, cut));
            assertThat(answers(client)).isEmpty();
            client.send(request.substring(cut));
            assertThat(answers(client)).extracting(ManualHttp.Answer::body).containsExactly("hello body");
        }
        assertThat(http.stats().get(0).requests()).isEqualTo(1 + (request.length() - 1 + 6) / 7);
        client.shutdownOutput();
    }

    @Test
    void aClientWaitingFor100ContinueGetsItThenItsAnswer() {
        ManualClient client = kit.connect();
        String big = text(9_000);
        for (String body : List.of("abc", big)) {
            client.send("POST /echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: " + body.length()
                    + "\r\n\r\n");
            kit.runUntilIdle();
            assertThat(client.receivedAscii()).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            client.send(body);
            assertThat(answers(client)).singleElement().extracting(a -> digest(a.body())).isEqualTo(digest(body));
        }
        client.shutdownOutput();
    }

    @Test
    void aBodyLargerThanTheInputIsGatheredAndEchoedWhole() {
        ManualClient client = kit.connect();
        String big = text(MAX_BODY);
        client.send(post("/echo", big));
        assertThat(answers(client)).singleElement().extracting(a -> digest(a.body())).isEqualTo(digest(big));
        client.send(chunkedPost("/echo", text(5_000), text(7_000)).replace("\r\n0\r\n", "\r\n5;ext=1\r\nvwxyz\r\n0\r\n"));
        assertThat(answers(client)).singleElement().extracting(a -> digest(a.body()))
                .isEqualTo(digest(text(5_000) + text(7_000) + "vwxyz"));
        client.shutdownOutput();
    }

    @Test
    void pipelinedRequestsWithBodiesAreAnsweredInOrderEachOnce() {
        ManualClient client = kit.connect();
        String big = text(6_000);
        client.send(post("/echo", "one") + chunkedPost("/echo", "tw", "o") + post("/echo", big) + post("/count", big)
                + ManualHttp.get("/fast") + chunkedPost("/count", "abc", "de") + post("/echo", "last"));
        assertThat(answers(client)).extracting(a -> a.body().length() > 100 ? digest(a.body()) : a.body())
                .containsExactly("one", "two", digest(big), "6000", "", "5", "last");
        client.shutdownOutput();
    }

    @Test
    void aBodyOverTheLimitGets413AndTheConnectionCloses() {
        ManualClient client = kit.connect();
        client.send(post("/echo", text(MAX_BODY + 1)));
        assertThat(answers(client)).extracting(ManualHttp.Answer::status).containsExactly(413);
        assertThat(client.isClosedByServer()).isTrue();

        ManualClient chunked = kit.connect();
        chunked.send(chunkedPost("/echo", text(MAX_BODY), "x"));
        assertThat(answers(chunked)).extracting(ManualHttp.Answer::status).containsExactly(413);
        assertThat(chunked.isClosedByServer()).isTrue();

        ManualClient pieces = kit.connect();
        pieces.send(chunkedPost("/count", text(MAX_BODY), "x"));
        assertThat(answers(pieces)).extracting(ManualHttp.Answer::status).containsExactly(413);
        assertThat(pieces.isClosedByServer()).isTrue();
    }

    @Test
    void whenNoBodyBufferIsFreeTheRequestGets503AndItsBodyIsReadPast() {
        ManualClient first = kit.connect();
        String head = "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 10000\r\n\r\n";
        first.send(head + text(100));
        assertThat(answers(first)).isEmpty();
        ManualClient second = kit.connect();
        second.send(head + text(10_000) + ManualHttp.get("/fast"));
        List<ManualHttp.Answer> refused = answers(second);
        assertThat(refused).extracting(ManualHttp.Answer::status).containsExactly(503, 200);
        assertThat(refused.get(0).head()).contains("Retry-After: 1\r\n");
        first.send(text(10_000).substring(100));
        assertThat(answers(first)).extracting(a -> digest(a.body())).containsExactly(digest(text(10_000)));
        first.shutdownOutput();
        second.shutdownOutput();
    }

    @Test
    void aBodyCutShortGetsNoAnswerAndGivesItsBufferBack() {
        ManualClient small = kit.connect();
        small.send(post("/echo", "0123456789").substring(0, 70));
        ManualClient large = kit.connect();
        large.send(post("/echo", text(10_000)).substring(0, 5_000));
        ManualClient pieces = kit.connect();
        pieces.send(chunkedPost("/count", text(3_000)).substring(0, 2_000));
        kit.runUntilIdle();
        for (ManualClient client : List.of(small, large, pieces)) {
            client.shutdownOutput();
            assertThat(answers(client)).isEmpty();
            assertThat(client.isClosedByServer()).isTrue();
        }
    }

    @Test
    void aBodyIsTakenInPiecesAsItComes() {
        ManualClient client = kit.connect();
        String request = post("/count", text(15_000));
        for (int at = 0; at < request.length(); at += 1_000) {
            client.send(request.substring(at, Math.min(request.length(), at + 1_000)));
            kit.runUntilIdle();
        }
        client.send(post("/count", ""));
        assertThat(answers(client)).extracting(ManualHttp.Answer::body).containsExactly("15000", "0");
        client.shutdownOutput();
    }

    @Test
    void aBlockingRouteReadsTheBodyAsAStream() {
        ManualClient client = kit.connect();
        client.send(post("/blocking", text(12_000)) + chunkedPost("/blocking", "vw", "xyz", text(5_000))
                + ManualHttp.get("/fast"));
        assertThat(answers(client)).extracting(ManualHttp.Answer::body)
                .containsExactly("12000:abcde", "5005:vwxyz", "");
        client.shutdownOutput();
    }
}
