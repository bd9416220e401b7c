package loopwork.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import loopwork.core.ManualClient;
import loopwork.core.ManualKit;

/**
 * The route API on a {@link ManualKit}, stepped without threads: routing by method and pattern (parameters,
 * prefixes, 404, 405 with the table's {@code Allow}, HEAD from GET), the request's views (method, path, query
 * raw and decoded, headers by name and by index), and answers built at run time (headers set by name and
 * checked, bodies from bytes, a view or a buffer, HEAD's length, a body streamed in chunks).
 */
@Timeout(30)
class RouteApiTest {

    private static final byte[] ITEM = "item".getBytes(StandardCharsets.US_ASCII);
    private final ManualKit kit;

    RouteApiTest() throws IOException {
        RouteTable routes = new RouteTable()
                .get("/items/{id}", ex -> {
                    long id = ex.pathParamNumber("id");
                    if (id < 0) {
                        ex.respond(404);
                        return;
                    }
                    ex.respond(200, "text/plain", ex.pathParam("id"));
                })
                .get("/items/{id}/parts/{part}", ex -> ex.respond(200, "text/plain",
                        (ex.pathParam("id") + "." + ex.pathParam("part")).getBytes(StandardCharsets.US_ASCII)))
                .delete("/items/{id}", ex -> ex.respond(204))
                .get("/view", ex -> ex.respond(200, "text/plain", (ex.method() + " " + ex.methodName() + " " + ex.path()
                        + " q=" + ex.query() + " a=" + ex.query("a") + " b=" + "café ok".equals(ex.queryString("b"))
                        + "/" + ex.queryDecoded("b", new byte[8]) + "/" + ex.queryDecoded("b", new byte[7]) + " n="
                        + ex.queryNumber("n") + " none=" + ex.query("none")).getBytes(StandardCharsets.UTF_8)))
                .get("/headers", ex -> {
                    StringBuilder out = new StringBuilder();
                    ByteView name = new ByteView();
                    ByteView value = new ByteView();
                    for (int i = 0; i < ex.headerCount(); i++) {
                        out.append(ex.headerName(i, name)).append('=').append(ex.headerValue(i, value)).append(';');
                    }
                    out.append(" x-two=").append(ex.header("X-TWO")).append(',').append(ex.header("x-two", 1, value))
                            .append(" eq=").append(ex.headerEquals("accept", "TEXT/PLAIN"))
                            .append(" missing=").append(ex.header("missing"));
                    ex.respond(200, "text/plain", out.toString().getBytes(StandardCharsets.ISO_8859_1));
                })
                .get("/set", ex -> {
                    String refused = "";
                    for (String[] bad : new String[][] {{"X-Bad", "a\r\nInjected: yes"}, {"X Bad", "v"},
                            {"X-Bad", "nul\0"}, {"Bad:", "v"}}) {
                        try {
                            ex.addHeader(bad[0], bad[1]);
                        } catch (IllegalArgumentException e) {
                            refused += "refused ";
                        }
                    }
                    ex.addHeader("X-One", "1").addHeader("Cache-Control", "no-store");
                    ex.respond(201, null, refused.getBytes(StandardCharsets.US_ASCII));
                })
                .get("/pre", ex -> ex.addHeader("X-Pre", "1").respond(HttpResponse.NOT_FOUND))
                .get("/forgets", ex -> ex.addHeader("X-Forgot", "1")) // and returns without answering
                .get("/buffer", ex -> ex.respond(200, "application/octet-stream",
                        java.nio.ByteBuffer.wrap(ITEM), 1, 3))
                .prefix("/static/", ex -> ex.respond(200, "text/plain", ex.path()))
                .get("/stream", new Route() {
                    @Override
                    public void onRequest(HttpExchange ex) {
                        ex.beginBody(200, "text/plain", -1);
                        ex.writeBody(java.nio.ByteBuffer.wrap(ITEM), 0, 4);
                        ex.writeBody(java.nio.ByteBuffer.wrap(ITEM), 0, 2);
                        ex.endBody();
                    }
                });
        kit = ManualHttp.kit(new HttpProtocol(routes, HttpLimits.DEFAULTS, 1, 1));
    }

    @AfterEach
    void everyContextCameBack() {
        try {
            kit.runUntilIdle();
            assertThat(kit.poolsFull()).as(kit.toString()).isTrue();
            assertThat(kit.loopStats().get(0).handlerErrors()).isZero();
        } finally {
            kit.close();
        }
    }

    private List<ManualHttp.Answer> exchange(String request) {
        ManualClient client = kit.connect();
        client.send(request);
        kit.runUntilIdle();
        List<ManualHttp.Answer> answers = ManualHttp.answers(client.receivedAscii());
        client.shutdownOutput();
        kit.runUntilIdle();
        return answers;
    }

    private ManualHttp.Answer one(String request) {
        List<ManualHttp.Answer> answers = exchange(request);
        assertThat(answers).hasSize(1);
        return answers.get(0);
    }

    @Test
    void pathParametersAreReadWhereTheyLie() {
        assertThat(one(ManualHttp.get("/items/42")).body()).isEqualTo("42");
        assertThat(one(ManualHttp.get("/items/7/parts/x9")).body()).isEqualTo("7.x9");
        assertThat(one(ManualHttp.get("/items/x")).status()).as("the route's own 404").isEqualTo(404);
        assertThat(one(ManualHttp.get("/items/")).status()).as("a parameter is never empty").isEqualTo(404);
        assertThat(one(ManualHttp.get("/items/1/2")).status()).isEqualTo(404);
        assertThat(one(ManualHttp.get("/static/a/b.css")).body()).isEqualTo("/static/a/b.css");
        assertThat(one(ManualHttp.get("/nothing")).status()).isEqualTo(404);
    }

    @Test
    void aMethodThePathDoesNotServeGets405WithTheTablesMethods() {
        ManualHttp.Answer answer = one("POST /items/3 HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nab");
        assertThat(answer.status()).isEqualTo(405);
        assertThat(answer.head()).contains("Allow: GET, HEAD, DELETE\r\n");
        assertThat(answer.closes()).as("the body is read past and the connection kept").isFalse();
        assertThat(one("BREW /view HTTP/1.1\r\nHost: t\r\n\r\n").head()).contains("Allow: GET, HEAD\r\n");
        ManualHttp.Answer deleted = one("DELETE /items/3 HTTP/1.1\r\nHost: t\r\n\r\n");
        assertThat(deleted.status()).isEqualTo(204);
        assertThat(deleted.head()).as("RFC 9110 8.6: no Content-Length on a 204").doesNotContain("Content-Length");
    }

    /** A pre-encoded answer is checked when it is made: nothing a client sent can inject a header through it. */
    @Test
    void aPreEncodedAnswerIsCheckedWhenMade() {
        assertThatThrownBy(() -> new HttpResponse(200, "OK\r\nSet-Cookie: a=b", "", "", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("control character");
        assertThatThrownBy(() -> new HttpResponse(200, "OK", "", "text/plain\nX: y", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpResponse(200, "OK", "X-A: 1", "", new byte[0]))
                .as("a line without its CRLF").isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new HttpResponse(200, "OK", "X A: 1\r\n", "", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a token");
        assertThatThrownBy(() -> new HttpResponse(204, "No Content", "", "", new byte[1]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no body");
        assertThatThrownBy(() -> new HttpResponse(600, "Odd", "", "", new byte[0]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("100..599");
        assertThatThrownBy(() -> new HttpResponse.Head(304, "Not Modified", ""))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(new String(new HttpResponse(304, "Not Modified", "ETag: \"x\"\r\n", "", new byte[0])
                .joined(HttpResponse.KEEP_ALIVE, new byte[0], false), StandardCharsets.US_ASCII))
                .isEqualTo("HTTP/1.1 304 Not Modified\r\nServer: loopwork\r\nETag: \"x\"\r\n\r\n");
    }

    /** Headers added before a pre-encoded answer go with it, after its own, and never with the next answer. */
    @Test
    void headersAddedBeforeAPreEncodedAnswerGoWithItAndNoFurther() {
        List<ManualHttp.Answer> answers = exchange(ManualHttp.get("/pre") + ManualHttp.get("/items/42")
                + ManualHttp.get("/pre") + "HEAD /pre HTTP/1.1\r\nHost: t\r\n\r\n" + ManualHttp.get("/items/43"));
        assertThat(answers).extracting(ManualHttp.Answer::status).containsExactly(404, 200, 404, 404, 200);
        for (int i : new int[] {0, 2, 3}) {
            assertThat(answers.get(i).head()).as("answer %d", i).contains("X-Pre: 1\r\n");
        }
        for (int i : new int[] {1, 4}) {
            assertThat(answers.get(i).head()).as("answer %d", i).doesNotContain("X-Pre");
        }
        // A route that adds a header and never answers gets the kit's 500, which does not carry it, nor does the next.
        answers = exchange(ManualHttp.get("/forgets") + ManualHttp.get("/items/44"));
        assertThat(answers).extracting(ManualHttp.Answer::status).containsExactly(500, 200);
        assertThat(answers).allSatisfy(answer -> assertThat(answer.head()).doesNotContain("X-Forgot"));
    }

    @Test
    void theRequestIsReadThroughViews() {
        assertThat(one(ManualHttp.get("/view?a=x%20y&b=caf%C3%A9+ok&n=12")).body())
                .isEqualTo("GET GET /view q=a=x%20y&b=caf%C3%A9+ok&n=12 a=x%20y b=true/8/-2 n=12 none=null");
        assertThat(one(ManualHttp.get("/view")).body()).isEqualTo("GET GET /view q= a=null b=false/-1/-1 n=-1 none=null");
    }

    @Test
    void headersAreFoundByNameInAnyCaseRepeatedOnesToo() {
        String request = "GET /headers HTTP/1.1\r\nHost: t\r\nX-Two: first \r\nAccept:text/plain\r\nx-two:\tsecond\r\n\r\n";
        assertThat(one(request).body()).isEqualTo("Host=t;X-Two=first;Accept=text/plain;x-two=second;"
                + " x-two=first,second eq=true missing=null");
    }

    @Test
    void headersSetByNameAreCheckedBeforeAnythingIsSent() {
        ManualHttp.Answer answer = one(ManualHttp.get("/set"));
        assertThat(answer.status()).isEqualTo(201);
        assertThat(answer.body()).isEqualTo("refused refused refused refused ");
        assertThat(answer.head()).contains("X-One: 1\r\n", "Cache-Control: no-store\r\n", "Content-Length: 32\r\n")
                .doesNotContain("Injected");
    }

    @Test
    void headGetsTheHeadOnlyWithTheLengthTheGetWouldHave() {
        ManualClient client = kit.connect();
        client.send("HEAD /items/12345 HTTP/1.1\r\nHost: t\r\n\r\n" + ManualHttp.get("/buffer"));
        kit.runUntilIdle();
        String received = client.receivedAscii();
        assertThat(received).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Length: 5\r\n");
        // The HEAD answer has no body: what follows its blank line is the next answer.
        String next = received.substring(received.indexOf("\r\n\r\n") + 4);
        assertThat(ManualHttp.answers(next)).singleElement().extracting(ManualHttp.Answer::body).isEqualTo("tem");
        client.shutdownOutput();
    }

    @Test
    void aBodyOfUnknownLengthIsStreamedInChunks() {
        ManualClient client = kit.connect();
        client.send(ManualHttp.get("/stream") + ManualHttp.get("/items/5"));
        kit.runUntilIdle();
        String received = client.receivedAscii();
        assertThat(received).contains("Transfer-Encoding: chunked\r\n")
                .contains("\r\n\r\n4\r\nitem\r\n2\r\nit\r\n0\r\n\r\nHTTP/1.1 200 OK");
        assertThat(received).endsWith("\r\n\r\n5");
        client.shutdownOutput();
    }

    @Test
    void anHttp10ClientGetsAStreamedBodyEndedByTheClose() {
        ManualClient client = kit.connect();
        client.send("GET /stream HTTP/1.0\r\n\r\n");
        kit.runUntilIdle();
        String received = client.receivedAscii();
        assertThat(received).doesNotContain("Transfer-Encoding").doesNotContain("Content-Length")
                .contains("Connection: close\r\n").endsWith("\r\n\r\nitemit");
        assertThat(client.isClosedByServer()).isTrue();
    }
}
