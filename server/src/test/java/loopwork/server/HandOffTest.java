package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;

import loopwork.core.SyncThreads;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Connections handed to a worker (blocking) or moved into a worker's loop, and back, over real sockets; with the
 * hand-offs on the workers' own threads and on virtual threads.
 */
@ParameterizedClass
@EnumSource(SyncThreads.class)
class HandOffTest {

    private static final String SYNC = "GET /test/sync HTTP/1.1\r\nHost: t\r\n\r\n";
    private static final String ASYNC = "GET /test/async HTTP/1.1\r\nHost: t\r\n\r\n";
    private static TestServer server;

    @Parameter
    SyncThreads syncThreads;

    @BeforeParameterizedClassInvocation
    static void start(SyncThreads syncThreads) throws Exception {
        server = TestServer.start(2, 256, 2, 20, syncThreads);
    }

    @AfterParameterizedClassInvocation
    static void stop() throws Exception {
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"/test/sync", "/test/async"})
    void answersKeepAliveThenCloseOnRequest(String path) throws Exception {
        try (RawHttp client = new RawHttp(server.port())) {
            for (int i = 0; i < 3; i++) {
                RawHttp.Response response = client.exchange("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n");
                assertThat(response.status()).isEqualTo(200);
                assertThat(response.closes()).isFalse();
            }
            RawHttp.Response last = client.exchange("GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
            assertThat(last.status()).isEqualTo(200);
            assertThat(last.closes()).isTrue();
            assertThat(client.closedByServer()).isTrue();
        }
        try (RawHttp client = new RawHttp(server.port())) {
            RawHttp.Response response = client.exchange("GET " + path + " HTTP/1.0\r\n\r\n");
            assertThat(response.status()).isEqualTo(200);
            assertThat(client.closedByServer()).isTrue();
        }
    }

    @Test
    void oneConnectionTravelsAndEveryAnswerComesInOrder() throws Exception {
        String[] trip = {RawHttp.FAST, SYNC, RawHttp.FAST, ASYNC, RawHttp.FAST, RawHttp.SLOW, RawHttp.FAST};
        try (RawHttp client = new RawHttp(server.port())) {
            for (String request : trip) { // one at a time
                assertThat(client.exchange(request).status()).isEqualTo(200);
            }
            client.send(String.join("", trip) + "GET /nope HTTP/1.1\r\nHost: t\r\n\r\n"); // all at once
            for (int i = 0; i < trip.length; i++) {
                assertThat(client.read().status()).as("answer " + i).isEqualTo(200);
            }
            assertThat(client.read().status()).isEqualTo(404);
        }
        long handOffs = server.server.kit().workerStats().stream().mapToLong(w -> w.handOffs()).sum();
        long moves = server.server.kit().workerStats().stream().mapToLong(w -> w.moves()).sum();
        assertThat(handOffs).isGreaterThanOrEqualTo(2);
        assertThat(moves).isGreaterThanOrEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(strings = {"/test/sync", "/test/async"})
    void peerCloseOrResetWhileAWorkerHoldsTheConnection(String path) throws Exception {
        for (int i = 0; i < 20; i++) {
            RawHttp client = new RawHttp(server.port());
            client.send("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n");
            Thread.sleep(5); // the worker holds it now: 20 ms of work
            if (i % 2 == 0) {
                client.reset();
            } else {
                client.close();
            }
        }
        server.assertPoolsFull();
        try (RawHttp client = new RawHttp(server.port())) {
            assertThat(client.exchange("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(200);
        }
        // The answer leaves before the worker lets go of the connection: wait (bounded) for it to be home.
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() - deadline < 0 && (held() != 0 || away() != 0)) {
            Thread.sleep(5);
        }
        assertThat(held()).isZero();
        assertThat(away()).isZero();
    }

    private static long held() {
        return server.server.kit().workerStats().stream().mapToLong(w -> w.held()).sum();
    }

    private static long away() {
        return server.loops().stream().mapToLong(l -> l.away()).sum();
    }

    @Test
    void streamWritesTheBodyWithBlockingWritesToASlowReader() throws Exception {
        int bytes = 4 << 20;
        try (RawHttp slowReader = new RawHttp(server.port(), 30_000);
                RawHttp other = new RawHttp(server.port())) {
            slowReader.send("GET /test/stream?bytes=" + bytes + " HTTP/1.1\r\nHost: t\r\n\r\n");
            InputStream in = slowReader.socket.getInputStream();
            String head = readHead(in);
            assertThat(head).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Length: " + bytes + "\r\n");
            byte[] first = in.readNBytes(1000);
            Thread.sleep(300); // the worker blocks on a full socket meanwhile; the loops do not
            for (int i = 0; i < 10; i++) {
                assertThat(other.exchange(RawHttp.FAST).status()).isEqualTo(200);
            }
            byte[] rest = in.readNBytes(bytes - 1000);
            assertThat(rest).hasSize(bytes - 1000);
            assertThat((char) first[0]).isEqualTo('a');
            assertThat((char) first[27]).isEqualTo('b');
            assertThat((char) rest[rest.length - 1]).isEqualTo((char) ('a' + (bytes - 1) % 26));
            assertThat(slowReader.exchange(RawHttp.FAST).status()).isEqualTo(200); // and it came back home
        }
    }

    @Test
    void streamRefusesABadCount() throws Exception {
        try (RawHttp client = new RawHttp(server.port())) {
            assertThat(client.exchange("GET /test/stream?bytes=x HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(400);
            assertThat(client.exchange("GET /test/stream HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(400);
            RawHttp.Response zero = client.exchange("GET /test/stream?a=1&bytes=0 HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(zero.status()).isEqualTo(200);
            assertThat(zero.head()).contains("Content-Length: 0");
        }
    }

    /** Reads a response head byte by byte, leaving its body in {@code in}. */
    static String readHead(InputStream in) throws Exception {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            assertThat(b).isNotNegative();
            head.append((char) b);
        }
        return head.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"SYNC", "ASYNC"})
    void slowModeChoosesWhatSlowDoes(String mode) throws Exception {
        try (var s = LoopworkServer.start("127.0.0.1", 0, 1, 16, 1, 10, 16, LoopworkServer.SlowMode.valueOf(mode), null);
                RawHttp client = new RawHttp(s.port())) {
            assertThat(client.exchange(RawHttp.SLOW).status()).isEqualTo(200);
            var worker = s.kit().workerStats().get(0);
            assertThat(mode.equals("SYNC") ? worker.handOffs() : worker.moves()).isEqualTo(1);
            assertThat(worker.tasksRun()).isZero();
        }
    }

    @Test
    void withNoWorkersHandOffsAreRefusedWith503() throws Exception {
        try (var s = LoopworkServer.start("127.0.0.1", 0, 1, 16, 0, 10, 16, null);
                RawHttp client = new RawHttp(s.port())) {
            assertThat(client.exchange(SYNC).status()).isEqualTo(503);
            assertThat(client.exchange(ASYNC).status()).isEqualTo(503);
            assertThat(client.exchange(RawHttp.FAST).status()).isEqualTo(200);
        }
    }
}
