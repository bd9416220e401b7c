package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import loopwork.http.HttpLimits;

/**
 * HTTP's timeouts over real sockets, on the transport the suite runs with: a smoke check of each (header,
 * idle, body, write) that waits for the server's answer or close with blocking reads bounded by the clients'
 * socket timeouts, many times the timeout under test, and never sleeps inside a timeout's window; slowloris
 * (its pauses pace the trickle: what it checks does not depend on them); and a client that sends without
 * reading. Where each timeout starts and ends, to the millisecond, and that a route answering owns the
 * connection's time, are pinned on a manual clock by http's HttpTimeoutsTest.
 */
class TimeoutTest {

    private static final HttpLimits SHORT = new HttpLimits(2048, 1 << 20, 1_000, 700, 500);

    @Test
    void aHeadNotFinishedInTimeGets408AndClose() throws Exception {
        try (TestServer server = TestServer.start(16, SHORT);
                RawHttp client = new RawHttp(server.port(), 5_000)) {
            client.send("GET /test/fast HTTP/1.1\r\nHost: t\r\n");
            RawHttp.Response response = client.read();
            assertThat(response.status()).isEqualTo(408);
            assertThat(response.closes()).isTrue();
            assertThat(client.closedByServer()).isTrue();
        }
    }

    /**
     * A body that stops coming closes the connection once its window is over, after the route's answer. Each
     * body's own window, and that trickling does not extend it, are pinned to the millisecond in http's
     * HttpTimeoutsTest.
     */
    @Test
    void aStalledBodyClosesTheConnectionAfterTheAnswer() throws Exception {
        try (TestServer server = TestServer.start(16, SHORT);
                RawHttp client = new RawHttp(server.port(), 5_000)) {
            assertThat(client.exchange("GET /test/fast HTTP/1.1\r\nHost: t\r\nContent-Length: 4\r\n\r\nab")
                    .status()).isEqualTo(200);
            assertThat(client.read()).as("no answer, just a close").isNull();
            assertThat(server.server.httpStats().get(0).timeouts()).isEqualTo(1);
        }
    }

    @Test
    void anIdleKeptAliveConnectionIsClosedQuietly() throws Exception {
        try (TestServer server = TestServer.start(16, SHORT);
                RawHttp client = new RawHttp(server.port(), 5_000)) {
            assertThat(client.exchange(RawHttp.FAST).status()).isEqualTo(200);
            assertThat(client.read()).as("no answer, just a close").isNull();
            assertThat(server.server.httpStats().get(0).timeouts()).isEqualTo(1);
        }
    }

    @Test
    void slowlorisConnectionsDoNotStopANormalClientAndAreTimedOut() throws Exception {
        try (TestServer server = TestServer.start(1100, SHORT)) {
            List<RawHttp> trickling = new ArrayList<>();
            try {
                for (int i = 0; i < 1000; i++) {
                    RawHttp client = new RawHttp(server.port(), 10_000);
                    trickling.add(client);
                    client.send("GET /test/fast HTTP/1.1\r\nX-");
                }
                for (int second = 0; second < 3; second++) {
                    for (RawHttp client : trickling) {
                        try {
                            client.send("a"); // a header byte now and then, never the end of the head
                        } catch (IOException e) {
                            // already timed out and closed by the server
                        }
                    }
                    try (RawHttp normal = new RawHttp(server.port(), 2_000)) {
                        assertThat(normal.exchange(RawHttp.FAST).status()).isEqualTo(200);
                    }
                    Thread.sleep(400);
                }
                int timedOut = 0;
                for (RawHttp client : trickling) {
                    RawHttp.Response response = client.read();
                    if (response != null && response.status() == 408 && client.closedByServer()) {
                        timedOut++;
                    }
                }
                assertThat(timedOut).isEqualTo(1000);
            } finally {
                for (RawHttp client : trickling) {
                    client.close();
                }
            }
            server.assertPoolsFull();
        }
    }

    /** Pipelines without ever reading: the server stops reading it, buffers nothing more, and times it out. */
    @Test
    void aClientThatSendsWithoutReadingIsBoundedThenClosed() throws Exception {
        try (TestServer server = TestServer.start(16, SHORT); SocketChannel hog = SocketChannel.open()) {
            hog.setOption(StandardSocketOptions.SO_RCVBUF, 4096); // its answers back up soon
            hog.connect(new InetSocketAddress("127.0.0.1", server.port()));
            hog.configureBlocking(false);
            ByteBuffer requests = ByteBuffer.wrap(RawHttp.FAST.repeat(550_000).getBytes(StandardCharsets.US_ASCII));
            long sent = 0;
            long deadline = System.nanoTime() + 3_000_000_000L;
            long lastProgress = System.nanoTime();
            while (requests.hasRemaining() && System.nanoTime() - deadline < 0) {
                int n;
                try {
                    n = hog.write(requests);
                } catch (IOException e) {
                    break; // closed by the write timeout
                }
                sent += n;
                if (n > 0) {
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > 300_000_000L) {
                    break; // the server stopped reading: the socket buffers are full
                }
                Thread.sleep(1);
            }
            // What the server took is bounded by the kernel's socket buffers (autotuned, a few MB) and its own
            // 4 KB + 4 KB, not by what was offered (20 MB).
            System.out.printf("send without reading: the server took %,d of %,d bytes, then stopped reading%n", sent,
                    requests.capacity());
            assertThat(sent).isLessThan(requests.capacity());
            try (RawHttp other = new RawHttp(server.port())) {
                assertThat(other.exchange(RawHttp.FAST).status()).isEqualTo(200);
            }
            server.assertPoolsFull(); // the write timeout closed the hog: its context is back
            assertThat(server.server.httpStats().get(0).timeouts()).isGreaterThanOrEqualTo(1);
        }
    }
}
