package loopwork.http;

import static loopwork.http.BodyModesTest.chunkedPost;
import static loopwork.http.BodyModesTest.digest;
import static loopwork.http.BodyModesTest.post;
import static loopwork.http.BodyModesTest.text;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import loopwork.core.ManualClient;
import loopwork.core.ManualKit;

/**
 * The two classes of body buffers on a {@link ManualKit}, one of each: a body up to 64 KiB is gathered in the
 * small one, a larger one in the large one, a chunked one starts small and moves to the large one when it
 * outgrows it; each class refuses with 503 when its buffer is out (the body read past, the connection serving
 * on), whatever the other class has free; and every buffer comes back.
 */
@Timeout(30)
class BodyBufferClassesTest {

    private static final int MAX_BODY = 300_000;
    private static final int SMALL = 30_000;
    private static final int LARGE = 100_000;
    private final HttpProtocol http;
    private final ManualKit kit;

    BodyBufferClassesTest() throws IOException {
        RouteTable routes = new RouteTable()
                .post("/echo", ex -> ex.respond(200, "application/octet-stream", ex.body()))
                .get("/fast", ex -> ex.respond(HttpResponse.OK));
        http = new HttpProtocol(routes, new HttpLimits(2048, MAX_BODY, 10_000, 60_000, 30_000), 1, 1);
        kit = ManualHttp.kit(http);
    }

    @AfterEach
    void everyBodyBufferCameBack() {
        try {
            kit.runUntilIdle();
            assertThat(kit.poolsFull()).as(kit.toString()).isTrue();
            assertThat(stats().bodyBuffers()).isEqualTo(2);
            assertThat(stats().bodyBuffersFree()).as("body buffers free").isEqualTo(2);
            assertThat(kit.loopStats().get(0).handlerErrors()).isZero();
        } finally {
            kit.close();
        }
    }

    private HttpStats stats() {
        return http.stats().get(0);
    }

    private List<ManualHttp.Answer> answers(ManualClient client) {
        kit.runUntilIdle();
        return ManualHttp.answers(client.receivedAscii());
    }

    /** Sends all but the last 10 bytes of {@code request}: its body is being gathered, in a buffer held. */
    private ManualClient holding(String request) {
        ManualClient client = kit.connect();
        client.send(request.substring(0, request.length() - 10));
        assertThat(answers(client)).isEmpty();
        return client;
    }

    private void finish(ManualClient client, String request, String body) {
        client.send(request.substring(request.length() - 10));
        assertThat(answers(client)).extracting(a -> digest(a.body())).containsExactly(digest(body));
        client.shutdownOutput();
    }

    @Test
    void aBodyUpTo64KibTakesTheSmallBufferOneLargerThanItAndTheInputTheLarge() {
        String small = post("/echo", text(65_536));
        ManualClient first = holding(small);
        assertThat(stats().bodyBuffersFree()).isEqualTo(1);
        assertThat(stats().largeBodyBuffersFree()).as("the large one is still free").isEqualTo(1);
        String large = post("/echo", text(65_536 + 4_096)); // no room left for its head in a small one
        ManualClient second = holding(large);
        assertThat(stats().bodyBuffersFree()).isZero();
        finish(first, small, text(65_536));
        finish(second, large, text(65_536 + 4_096));
    }

    @Test
    void whenTheSmallBufferIsOutASmallBodyGets503AndALargeOneIsStillServed() {
        String held = post("/echo", text(SMALL));
        ManualClient first = holding(held);
        ManualClient second = kit.connect();
        second.send(post("/echo", text(SMALL)) + ManualHttp.get("/fast") + post("/echo", text(LARGE)));
        List<ManualHttp.Answer> answers = answers(second);
        assertThat(answers).extracting(ManualHttp.Answer::status).containsExactly(503, 200, 200);
        assertThat(answers.get(0).head()).contains("Retry-After: 1\r\n");
        assertThat(digest(answers.get(2).body())).isEqualTo(digest(text(LARGE)));
        finish(first, held, text(SMALL));
        second.shutdownOutput();
    }

    @Test
    void whenTheLargeBufferIsOutALargeBodyGets503AndASmallOneIsStillServed() {
        String held = post("/echo", text(LARGE));
        ManualClient first = holding(held);
        ManualClient second = kit.connect();
        second.send(post("/echo", text(LARGE)) + ManualHttp.get("/fast") + post("/echo", text(SMALL)));
        List<ManualHttp.Answer> answers = answers(second);
        assertThat(answers).extracting(ManualHttp.Answer::status).containsExactly(503, 200, 200);
        assertThat(answers.get(0).head()).contains("Retry-After: 1\r\n");
        assertThat(digest(answers.get(2).body())).isEqualTo(digest(text(SMALL)));
        finish(first, held, text(LARGE));
        second.shutdownOutput();
    }

    @Test
    void aChunkedBodyStartsSmallAndMovesToTheLargeBufferWhenItOutgrowsIt() {
        String chunked = chunkedPost("/echo", text(SMALL), text(LARGE), "xyz");
        ManualClient client = kit.connect();
        int inSmall = chunked.indexOf(text(LARGE)) + 1_000; // the first chunk, and a little of the second
        client.send(chunked.substring(0, inSmall));
        assertThat(answers(client)).isEmpty();
        assertThat(stats().largeBodyBuffersFree()).as("still in the small one").isEqualTo(1);
        assertThat(stats().bodyBuffersFree()).isEqualTo(1);
        client.send(chunked.substring(inSmall, chunked.length() - 10));
        assertThat(answers(client)).isEmpty();
        assertThat(stats().largeBodyBuffersFree()).as("moved to the large one").isZero();
        assertThat(stats().bodyBuffersFree()).as("the small one given back").isEqualTo(1);
        client.send(chunked.substring(chunked.length() - 10) + ManualHttp.get("/fast"));
        assertThat(answers(client)).extracting(a -> a.status() + ":" + digest(a.body()))
                .containsExactly("200:" + digest(text(SMALL) + text(LARGE) + "xyz"), "200:" + digest(""));
        client.shutdownOutput();
    }

    @Test
    void aChunkedBodyThatOutgrowsItsSmallBufferWithNoLargeOneFreeGets503AndItsRestIsReadPast() {
        String held = post("/echo", text(LARGE));
        ManualClient first = holding(held);
        ManualClient second = kit.connect();
        second.send(chunkedPost("/echo", text(SMALL), text(SMALL), text(SMALL)) + ManualHttp.get("/fast"));
        List<ManualHttp.Answer> answers = answers(second);
        assertThat(answers).extracting(ManualHttp.Answer::status).containsExactly(503, 200);
        assertThat(answers.get(0).head()).contains("Retry-After: 1\r\n");
        assertThat(stats().bodyBuffersFree()).as("the small one given back").isEqualTo(1);
        second.send(chunkedPost("/echo", "again"));
        assertThat(answers(second)).extracting(ManualHttp.Answer::body).containsExactly("again");
        finish(first, held, text(LARGE));
        second.shutdownOutput();
    }
}
