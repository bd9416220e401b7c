package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import loopwork.http.HttpLimits;
import loopwork.http.HttpStats;

/** RFC 9112 strictness, bodies and limits, over real sockets; after each case the server serves at once. */
class HostileInputTest {

    private static final HttpLimits LIMITS = new HttpLimits(64, 1000, 10_000, 60_000, 30_000);
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(64, LIMITS);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            target over the limit      | GET /test/fast?%s HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n                               | 414 | true
            body over the limit        | GET /test/fast HTTP/1.1\\r\\nHost: t\\r\\nContent-Length: 1001\\r\\n\\r\\n         | 413 | true
            gzip coding                | GET /test/fast HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n | 501 | true
            chunked twice              | GET /test/fast HTTP/1.1\\r\\nHost: t\\r\\nTransfer-Encoding: chunked\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n | 501 | true
            TE in HTTP/1.0             | GET /test/fast HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n              | 400 | true
            unknown expectation        | GET /test/fast HTTP/1.1\\r\\nHost: t\\r\\nExpect: tea\\r\\n\\r\\n                | 417 | true
            tab in method              | G\\tET /test/fast HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n                              | 400 | true
            empty header name          | GET /test/fast HTTP/1.1\\r\\nHost: t\\r\\n: x\\r\\n\\r\\n                         | 400 | true
            DEL in header value        | GET /test/fast HTTP/1.1\\r\\nHost: t\\u007f\\r\\n\\r\\n                           | 400 | true
            LF-only lines              | GET /test/fast HTTP/1.1\\nHost: t\\n\\n                                          | 200 | false
            HTTP/1.2 as 1.1            | GET /test/fast HTTP/1.2\\r\\nHost: t\\r\\n\\r\\n                                 | 200 | false
            no 100 Continue in 1.0     | GET /test/fast HTTP/1.0\\r\\nExpect: 100-continue\\r\\nContent-Length: 2\\r\\n\\r\\nok | 200 | true
            """)
    void statusForEachRequest(String name, String request, int status, boolean closes) throws Exception {
        String raw = request.strip().replace("\\r", "\r").replace("\\n", "\n").replace("\\t", "\t")
                .replace("\\u007f", "\u007f").replace("%s", "a".repeat(60));
        RawHttp.assertAnswer(server.port(), name, raw, status, closes);
        assertServing();
    }

    /** Answers a route gives as the head arrives, before the request's body is read: name, head, status. */
    private static final String[][] EARLY_ANSWERS = {
            {"405 other method", "POST /test/fast HTTP/1.1", "405"},
            {"404 unknown path", "GET /nope HTTP/1.1", "404"},
            {"200 fast", "GET /test/fast HTTP/1.1", "200"},
            {"200 HEAD fast", "HEAD /test/fast HTTP/1.1", "200"},
            {"400 from a route", "GET /test/stream?bytes=x HTTP/1.1", "400"},
            {"200 after a task", "GET /test/slow HTTP/1.1", "200"},
            {"200 after a hand-off", "GET /test/sync HTTP/1.1", "200"},
            {"200 after a move", "GET /test/async HTTP/1.1", "200"},
            {"200 large answer", "GET /metrics HTTP/1.1", "200"},
    };

    /** Chunked bodies whose framing is bad, or which run over --max-body (1000 here): name, body. */
    private static final String[][] BAD_BODIES = {
            {"size not hex", "zz\r\n"},
            {"negative size", "-5\r\nhello\r\n0\r\n\r\n"},
            {"size overflowing", "fffffffffffffffff\r\n"},
            {"chunk over the limit", "3e9\r\n"},
            {"chunks adding up over", "3e8\r\n" + "a".repeat(1000) + "\r\n1\r\na\r\n0\r\n\r\n"},
            {"chunk without CRLF", "2\r\nabX\r\n"},
            {"bare LF after size", "2\nab\r\n0\r\n\r\n"},
            {"control in extension", "2;a\u0001\r\nab\r\n0\r\n\r\n"},
            {"control in trailer", "0\r\nX: \u0001\r\n\r\n"},
            {"no LF at the end", "0\r\n\rX"},
    };

    static Stream<Arguments> badBodiesAfterEarlyAnswers() {
        return Stream.of(EARLY_ANSWERS).flatMap(answer -> Stream.of(BAD_BODIES)
                .map(body -> Arguments.of(answer[0] + ", " + body[0], answer[1], Integer.parseInt(answer[2]),
                        body[1])));
    }

    /**
     * A request is answered once. Its route answers as the head arrives, so a body that turns out bad or too
     * large comes after the answer: the connection then closes with no second answer (which a pipelining
     * client would take for its next request's), and nothing pipelined after the body is answered.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("badBodiesAfterEarlyAnswers")
    void aBadBodyAfterTheAnswerClosesWithoutASecondAnswer(String name, String head, int status, String body)
            throws Exception {
        long badBodies = badBodies();
        try (RawHttp client = new RawHttp(server.port())) {
            client.send(head + "\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n" + body + RawHttp.FAST);
            RawHttp.Response answer = client.read();
            assertThat(answer).as(name + ": the answer").isNotNull();
            assertThat(answer.status()).as(name).isEqualTo(status);
            assertThat(client.closedByServer()).as(name + ": closed, with nothing after the answer").isTrue();
        }
        assertThat(badBodies()).as(name + ": counted").isEqualTo(badBodies + 1);
        assertServing();
    }

    /** A bad request pipelined after one answered in full is a request of its own: it gets its 400. */
    @Test
    void aBadRequestAfterAnAnsweredOneGetsItsOwnAnswer() throws Exception {
        try (RawHttp client = new RawHttp(server.port())) {
            client.send("POST /test/fast HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n"
                    + "GET /test/fast HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + RawHttp.FAST);
            assertThat(client.read().status()).isEqualTo(405);
            RawHttp.Response error = client.read();
            assertThat(error.status()).isEqualTo(400);
            assertThat(error.closes()).isTrue();
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void chunkedBodiesAreReadPastSoPipelinedRequestsParse() throws Exception {
        try (RawHttp client = new RawHttp(server.port())) {
            client.send("POST /test/fast HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: yes\r\n\r\n"
                    + "GET /test/fast HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(client.read().status()).isEqualTo(405);
            assertThat(client.read().status()).isEqualTo(200);
            // A chunked body arriving one byte at a time.
            client.send("GET /test/fast HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
            assertThat(client.read().status()).isEqualTo(200);
            for (char c : "3\r\nabc\r\n0\r\n\r\n".toCharArray()) {
                client.send(String.valueOf(c));
            }
            assertThat(client.exchange(RawHttp.FAST).status()).isEqualTo(200);
        }
    }

    @Test
    void expectContinueGets100BeforeTheBody() throws Exception {
        try (RawHttp client = new RawHttp(server.port())) {
            client.send("GET /test/fast HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            String interim = new String(client.socket.getInputStream().readNBytes(25), "US-ASCII");
            assertThat(interim).isEqualTo("HTTP/1.1 100 Continue\r\n\r\n");
            assertThat(client.read().status()).isEqualTo(200);
            client.send("body");
            assertThat(client.exchange(RawHttp.FAST).status()).isEqualTo(200);
        }
    }

    @Test
    void answersCarryAValidDateAndServer() throws Exception {
        try (RawHttp client = new RawHttp(server.port())) {
            for (String request : new String[] {RawHttp.FAST, "HEAD /test/fast HTTP/1.1\r\nHost: t\r\n\r\n",
                    "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n", RawHttp.SLOW}) {
                RawHttp.Response response = client.exchange(request);
                assertThat(response.head()).contains("\r\nServer: loopwork\r\n");
                String date = response.head().replaceAll("(?s).*\r\nDate: ([^\r]*)\r\n.*", "$1");
                ZonedDateTime parsed = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME);
                assertThat(Math.abs(parsed.toEpochSecond() - ZonedDateTime.now(ZoneOffset.UTC).toEpochSecond()))
                        .isLessThanOrEqualTo(2);
            }
        }
    }

    /**
     * Targets and field values are scanned eight bytes at a time: at every offset of such a word, and in the
     * bytes after the last whole one, a byte the RFC forbids gets 400 and one it allows is taken.
     */
    @Test
    void everyByteOfATargetAndAFieldValueIsChecked() throws IOException {
        String value = "0123456789abcdefghijklmnopq"; // three words and a tail
        String target = "/test/fast?" + "a".repeat(20);
        for (int at = 0; at < value.length(); at++) {
            for (char bad : new char[] {0x00, 0x01, 0x0B, 0x1F, 0x7F}) {
                String probe = value.substring(0, at) + bad + value.substring(at + 1);
                RawHttp.assertAnswer(server.port(), "field value byte " + (int) bad + " at " + at,
                        "GET /test/fast HTTP/1.1\r\nHost: t\r\nX-Probe: " + probe + "\r\n\r\n", 400, true);
            }
        }
        for (int at = 1; at < target.length(); at++) {
            for (char bad : new char[] {0x00, 0x09, 0x7F, 0x80, 0xFF}) {
                String probe = target.substring(0, at) + bad + target.substring(at + 1);
                RawHttp.assertAnswer(server.port(), "target byte " + (int) bad + " at " + at,
                        "GET " + probe + " HTTP/1.1\r\nHost: t\r\n\r\n", 400, true);
            }
        }
        try (RawHttp client = new RawHttp(server.port())) {
            for (int at = 0; at < value.length(); at++) {
                for (char good : new char[] {'\t', ' ', '~', 0x80, 0xFF}) {
                    String probe = value.substring(0, at) + good + value.substring(at + 1);
                    assertThat(client.exchange("GET /test/fast HTTP/1.1\r\nHost: t\r\nX-Probe: " + probe + "\r\n\r\n")
                            .status()).as("field value byte " + (int) good + " at " + at).isEqualTo(200);
                }
            }
            // The path ends at the first '?', wherever it falls in a word: after it, only the query may differ.
            for (int length = 0; length <= 20; length++) {
                assertThat(client.exchange("GET /test/fast?" + "?".repeat(length % 2) + "a".repeat(length)
                        + " HTTP/1.1\r\nHost: t\r\n\r\n").status()).as("query of " + length).isEqualTo(200);
            }
            assertThat(client.exchange("GET /metrics?x HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(200);
            assertThat(client.exchange("GET /test/fastaaaaaaaaa?a HTTP/1.1\r\nHost: t\r\n\r\n").status())
                    .isEqualTo(404);
            assertThat(client.exchange("GET /?test/fast HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(404);
        }
    }

    private static long badBodies() {
        return server.server.httpStats().stream().mapToLong(HttpStats::badBodies).sum();
    }

    private static void assertServing() throws IOException {
        try (RawHttp client = new RawHttp(server.port())) {
            assertThat(client.exchange(RawHttp.FAST).status()).isEqualTo(200);
        }
    }
}
