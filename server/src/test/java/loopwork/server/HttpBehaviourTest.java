package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import loopwork.core.Kit;
import loopwork.core.Transport;
import loopwork.http.HttpLimits;
import loopwork.http.HttpProtocol;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The demo routes and HTTP/1.1 semantics over real sockets, against one server shared by the class. */
class HttpBehaviourTest {

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(2, 64, 2, 30);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void fastAnswersEmpty200AndKeepsAlive() throws Exception {
        try (RawHttp client = new RawHttp(server.port())) {
            for (int i = 0; i < 3; i++) {
                RawHttp.Response response = client.exchange(RawHttp.FAST);
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.head()).containsIgnoringCase("Content-Length: 0");
                assertThat(response.closes()).isFalse();
            }
        }
    }

    /**
     * A peer that sends and then shuts its output down has its connection closed as soon as what it sent is
     * answered, not at the header timeout (10 s; reads here give up after 5 s). The end of the stream often
     * arrives with the last bytes, and edge-triggered epoll reports the two together, once: the server must
     * still read on to the end. Answers still owed when the end comes (a task's, a hand-off's, a moved
     * connection's, and requests pipelined behind them) go out before the close. 20 connections at once,
     * complete and incomplete requests.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "complete request   | GET /test/fast HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n | 1",
            "two pipelined      | GET /test/fast HTTP/1.1\\r\\nHost: t\\r\\n\\r\\nGET /test/fast HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n | 2",
            "incomplete head    | GET /test/fast HTTP/1.1\\r\\nHost: t\\r\\n | 0",
            "a task's answer    | GET /test/slow HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n | 1",
            "a hand-off's       | GET /test/sync HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n | 1",
            "a moved one's      | GET /test/async HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n | 1",
            "task, then fast    | GET /test/slow HTTP/1.1\\r\\nHost: t\\r\\n\\r\\nGET /test/fast HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n | 2",
            "task, then a piece | GET /test/slow HTTP/1.1\\r\\nHost: t\\r\\n\\r\\nGET /test/fast HTTP/1.1\\r\\n | 1"})
    void aPeersEndIsNoticedWithTheBytesBeforeIt(String name, String request, int answers) throws Exception {
        byte[] bytes = request.replace("\\r\\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1);
        Socket[] sockets = new Socket[20];
        try {
            for (int i = 0; i < sockets.length; i++) {
                sockets[i] = new Socket();
                sockets[i].connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
                sockets[i].setSoTimeout(5_000);
                sockets[i].getOutputStream().write(bytes);
                sockets[i].shutdownOutput();
            }
            for (Socket socket : sockets) {
                String answer = readToEnd(socket.getInputStream());
                assertThat(answer.split("HTTP/1.1 200 OK", -1)).as("answers before the close").hasSize(answers + 1);
            }
        } finally {
            for (Socket socket : sockets) {
                if (socket != null) {
                    socket.close();
                }
            }
        }
        server.assertPoolsFull();
    }

    /** Everything until the server closes; a read timeout (SocketTimeoutException) fails the test. */
    private static String readToEnd(InputStream in) throws java.io.IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] chunk = new byte[4096];
        for (int n; (n = in.read(chunk)) >= 0; ) {
            all.write(chunk, 0, n);
        }
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    @Test
    void slowAnswers200AfterTheSlowDuration() throws Exception {
        try (RawHttp client = new RawHttp(server.port())) {
            long start = System.nanoTime();
            assertThat(client.exchange(RawHttp.SLOW).status()).isEqualTo(200);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(30);
            assertThat(client.exchange(RawHttp.FAST).status()).isEqualTo(200); // still kept alive
        }
    }

    @Test
    void connectionCloseIsHonoured() throws Exception {
        try (RawHttp client = new RawHttp(server.port())) {
            RawHttp.Response response = client.exchange(
                    "GET /test/fast HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.closes()).isTrue();
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void http10ClosesUnlessKeepAliveIsAsked() throws Exception {
        try (RawHttp client = new RawHttp(server.port())) {
            RawHttp.Response response = client.exchange("GET /test/fast HTTP/1.0\r\n\r\n");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.closes()).isTrue();
            assertThat(client.closedByServer()).isTrue();
        }
        try (RawHttp client = new RawHttp(server.port())) {
            for (int i = 0; i < 2; i++) {
                RawHttp.Response response = client.exchange("GET /test/slow HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.head()).containsIgnoringCase("Connection: keep-alive");
            }
        }
    }

    @Test
    void headGetsTheHeadOnly() throws Exception {
        try (RawHttp client = new RawHttp(server.port())) {
            RawHttp.Response response = client.exchange("HEAD /metrics HTTP/1.1\r\nHost: t\r\n\r\n".replace(
                    "HEAD /metrics", "HEAD /test/fast"));
            assertThat(response.status()).isEqualTo(200);
            // A HEAD of /metrics announces a length but sends no body: the next answer must parse right after.
            client.send("HEAD /metrics HTTP/1.1\r\nHost: t\r\n\r\n" + RawHttp.FAST);
            RawHttp.Response head = readHeadOnly(client);
            assertThat(head.status()).isEqualTo(200);
            assertThat(client.read().status()).isEqualTo(200);
        }
    }

    private static RawHttp.Response readHeadOnly(RawHttp client) throws Exception {
        StringBuilder head = new StringBuilder();
        var in = client.socket.getInputStream();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).isNotNegative();
            head.append((char) b);
        }
        return new RawHttp.Response(Integer.parseInt(head.substring(9, 12)), head.toString(), "");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            unknown path              | GET /nope HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n                        | 404 | false
            other method              | POST /test/fast HTTP/1.1\\r\\nHost: t\\r\\nContent-Length: 3\\r\\n\\r\\nabc | 405 | false
            delete                    | DELETE /test/slow HTTP/1.1\\r\\nHost: t\\r\\n\\r\\n               | 405 | false
            garbage                   | \\u0001\\u0002hello\\r\\n\\r\\n                                 | 400 | true
            space before colon        | GET /test/fast HTTP/1.1\\r\\nHost : t\\r\\n\\r\\n                 | 400 | true
            obs-fold                  | GET /test/fast HTTP/1.1\\r\\nHost: t\\r\\n x\\r\\n\\r\\n            | 400 | true
            bare CR                   | GET /test/fast HTTP/1.1\\rHost: t\\r\\n\\r\\n                      | 400 | true
            NUL in value              | GET /test/fast HTTP/1.1\\r\\nHost: t\\u0000\\r\\n\\r\\n              | 400 | true
            no Host in 1.1            | GET /test/fast HTTP/1.1\\r\\n\\r\\n                              | 400 | true
            two Hosts                 | GET /test/fast HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n        | 400 | true
            bad version               | GET /test/fast HTTP/2.0\\r\\nHost: t\\r\\n\\r\\n                   | 505 | true
            not HTTP                  | GET /test/fast FTP/1.1\\r\\nHost: t\\r\\n\\r\\n                    | 400 | true
            bad content length        | GET /test/fast HTTP/1.1\\r\\nHost: t\\r\\nContent-Length: -1\\r\\n\\r\\n | 400 | true
            differing content lengths | GET /test/fast HTTP/1.1\\r\\nHost: t\\r\\nContent-Length: 1, 2\\r\\n\\r\\nab | 400 | true
            overflowing length        | GET /test/fast HTTP/1.1\\r\\nHost: t\\r\\nContent-Length: 99999999999999999999\\r\\n\\r\\n | 400 | true
            CL and TE                 | GET /test/fast HTTP/1.1\\r\\nHost: t\\r\\nContent-Length: 1\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n | 400 | true
            """)
    void statusForEachRequest(String name, String request, int status, boolean closes) throws Exception {
        String raw = request.strip().replace("\\r", "\r").replace("\\n", "\n").replace("\\u0000", "\u0000")
                .replace("\\u0001", "\u0001").replace("\\u0002", "\u0002");
        RawHttp.assertAnswer(server.port(), name, raw, status, closes);
        // The server keeps serving everyone else.
        try (RawHttp client = new RawHttp(server.port())) {
            assertThat(client.exchange(RawHttp.FAST).status()).isEqualTo(200);
        }
    }

    @Test
    void headLargerThanTheBufferGets431AndClose() throws Exception {
        try (RawHttp client = new RawHttp(server.port())) {
            RawHttp.Response response = client.exchange("GET /test/fast HTTP/1.1\r\nHost: t\r\nX-Big: "
                    + "a".repeat(5000) + "\r\n\r\n");
            assertThat(response.status()).isEqualTo(431);
            assertThat(response.closes()).isTrue();
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void anAnswerThatClosesArrivesWholeThoughTheBodyWasNeverRead() throws Exception {
        // Most of the body stays unread in the kernel, so closing resets the connection. The answer must have left
        // before that, though the server holds the last write of a connection back to go with its FIN.
        for (int i = 0; i < 20; i++) {
            try (RawHttp client = new RawHttp(server.port())) {
                client.send("GET /test/fast HTTP/1.1\r\nHost: t\r\nContent-Length: 1000000000\r\n\r\n"
                        + "b".repeat(60_000)); // over the body limit: 413 before a byte of it is read
                RawHttp.Response response = client.read();
                assertThat(response).as("answer %d", i).isNotNull();
                assertThat(response.status()).isEqualTo(413);
                assertThat(response.closes()).isTrue();
            }
        }
        server.assertPoolsFull();
    }

    @Test
    void requestArrivingByteByByteIsAnswered() throws Exception {
        try (RawHttp client = new RawHttp(server.port())) {
            for (char c : RawHttp.FAST.toCharArray()) {
                client.send(String.valueOf(c));
            }
            assertThat(client.read().status()).isEqualTo(200);
        }
    }

    @Test
    void bodyOfARequestIsSkippedSoThePipelinedNextOneParses() throws Exception {
        try (RawHttp client = new RawHttp(server.port())) {
            client.send("GET /test/fast HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello" + RawHttp.FAST);
            assertThat(client.read().status()).isEqualTo(200);
            assertThat(client.read().status()).isEqualTo(200);
        }
    }

    @Test
    void pipelinedSlowThenFastAreAnsweredInOrder() throws Exception {
        try (RawHttp client = new RawHttp(server.port())) {
            client.send(RawHttp.SLOW + "GET /test/fast?order=2 HTTP/1.1\r\nHost: t\r\n\r\n" + RawHttp.SLOW
                    + "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(client.read().status()).isEqualTo(200);
            assertThat(client.read().status()).isEqualTo(200);
            assertThat(client.read().status()).isEqualTo(200);
            assertThat(client.read().status()).isEqualTo(404);
        }
    }

    @Test
    void thousandPipelinedRequestsInOneWriteAreAllAnswered() throws Exception {
        try (RawHttp client = new RawHttp(server.port())) {
            client.send(RawHttp.FAST.repeat(1000));
            for (int i = 0; i < 1000; i++) {
                assertThat(client.read().status()).isEqualTo(200);
            }
        }
    }

    @Test
    void anOutputBufferTooSmallForAnAnswerIsRefusedWhenTheKitIsBuilt() {
        HttpProtocol http = new HttpProtocol(List.of(new FastRoute()), HttpLimits.DEFAULTS);
        assertThatThrownBy(() -> Kit.builder().host("127.0.0.1").port(0).acceptCapacity(4).outputBufferBytes(256)
                .protocol(http).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("HTTP needs an output buffer of at least 281 bytes")
                .hasMessageEndingWith("not 256");
    }

    @Test
    void metricsAreValidPrometheusText() throws Exception {
        try (RawHttp client = new RawHttp(server.port())) {
            client.exchange(RawHttp.FAST);
            RawHttp.Response response = client.exchange("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(response.status()).isEqualTo(200);
            assertThat(response.head()).contains("text/plain; version=0.0.4");
            for (String line : response.body().split("\n")) {
                // Label values may hold a route's path or a bucket's bound; the JVM's figures are decimals.
                assertThat(line).matches("# (HELP|TYPE) \\w+ .+|\\w+(\\{\\w+=\"[^\"\\\\]*\"(,\\w+=\"[^\"\\\\]*\")*\\})? "
                        + "(\\d+|-?\\d+\\.\\d+(E-?\\d+)?)");
            }
            for (String family : new String[] {"loopwork_connections_accepted_total", "loopwork_connections_open",
                    "loopwork_connections_rejected_total", "loopwork_pool_free", "loopwork_defer_accept",
                    "loopwork_requests_total", "loopwork_bad_bodies_total",
                    "loopwork_loop_allocated_bytes_total", "loopwork_worker_tasks_total",
                    "loopwork_worker_handoff_timeouts_total", "loopwork_worker_allocated_bytes_total"}) {
                assertThat(response.body()).contains(family + "{");
            }
            assertThat(response.body()).contains("loopwork_connections_open{loop=\"0\"}");
            assertThat(response.body()).contains("loopwork_info{transport=\"" + Transport.preferred().label() + "\",");
            assertThat(response.body()).contains("loopwork_worker_tasks_total{worker=\"1\"}");
        }
    }

    @Test
    void javaHttpClientAgrees() throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        try {
            for (String path : new String[] {"/test/fast", "/test/slow", "/nope"}) {
                HttpResponse<String> response = client.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).isEqualTo(path.equals("/nope") ? 404 : 200);
                assertThat(response.body()).isEmpty();
            }
        } finally {
            client.close();
        }
    }

    @Test
    void curlAgrees() throws Exception {
        Process curl = new ProcessBuilder("curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{http_code}",
                "--max-time", "10", "http://127.0.0.1:" + server.port() + "/test/fast",
                "http://127.0.0.1:" + server.port() + "/test/slow").redirectErrorStream(true).start();
        assertThat(curl.waitFor(20, TimeUnit.SECONDS)).isTrue();
        assertThat(new String(curl.getInputStream().readAllBytes())).contains("200 200200 200");
    }
}
