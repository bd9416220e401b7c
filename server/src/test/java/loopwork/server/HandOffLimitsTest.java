package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;

import loopwork.core.SyncThreads;
import loopwork.core.WorkerStatistics;
import loopwork.http.HttpLimits;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A peer cannot pin a worker (there is one per core) by being slow: a hand-off's waits for it are bounded by
 * --write-timeout each, and by --handoff-min-rate over any stretch of them. Both servers have a 1.5 s stall and
 * one worker, so a pinned worker would leave {@code /test/sync} without one; only one has a minimum rate. On
 * virtual threads the same limits end the same hand-offs, though a waiting hand-off pins nothing there.
 */
@ParameterizedClass
@EnumSource(SyncThreads.class)
class HandOffLimitsTest {

    private static final int STALL_MS = 1500;
    private static final HttpLimits STALL = new HttpLimits(2048, 1 << 20, 10_000, 60_000, STALL_MS);
    /** Five times what the trickling reader below takes (at most 1.6 MB/s), far below what loopback moves. */
    private static final int MIN_RATE = 8 << 20;
    private static final String ENDLESS = "GET /test/stream?bytes=1073741824 HTTP/1.1\r\nHost: t\r\n\r\n";
    private static final String SYNC = "GET /test/sync HTTP/1.1\r\nHost: t\r\n\r\n";

    private static TestServer paced;
    private static TestServer unpaced;

    @Parameter
    SyncThreads syncThreads;

    @BeforeParameterizedClassInvocation
    static void start(SyncThreads syncThreads) throws Exception {
        paced = TestServer.startPaced(STALL, MIN_RATE, syncThreads);
        unpaced = TestServer.startPaced(STALL, 0, syncThreads);
    }

    @AfterParameterizedClassInvocation
    static void stop() throws Exception {
        paced.close();
        unpaced.close();
    }

    @Test
    void aPeerThatStopsReadingLosesItsWorkerAfterTheStall() throws Exception {
        long timeoutsBefore = handOffTimeouts(unpaced);
        try (Socket stalled = requestEndlessStream(unpaced)) {
            long sent = System.nanoTime();
            awaitHandOffTimeouts(unpaced, timeoutsBefore + 1, 3 * STALL_MS);
            assertThat((System.nanoTime() - sent) / 1_000_000).as("ms until the worker gave up")
                    .isGreaterThanOrEqualTo(STALL_MS - 100);
            assertThat(unpaced.server.metricsText())
                    .contains("loopwork_worker_handoff_timeouts_total{worker=\"0\"} " + (timeoutsBefore + 1) + "\n");
            assertTheWorkerServes(unpaced);
            assertThat(drainsToAReset(stalled)).as("the rest of the body dropped with a reset").isTrue();
        }
        unpaced.assertPoolsFull();
    }

    @Test
    void aPeerReadingSlowerThanTheMinimumRateLosesItsWorker() throws Exception {
        long timeoutsBefore = handOffTimeouts(paced);
        try (Socket trickling = requestEndlessStream(paced)) {
            long read = trickle(trickling, paced, timeoutsBefore, 8_000);
            assertThat(handOffTimeouts(paced)).as("hand-offs given up, after %d bytes", read)
                    .isEqualTo(timeoutsBefore + 1);
            assertTheWorkerServes(paced);
        }
        paced.assertPoolsFull();
    }

    @Test
    void withoutAMinimumRateTheSameTrickleKeepsItsWorker() throws Exception {
        long timeoutsBefore = handOffTimeouts(unpaced);
        try (Socket trickling = requestEndlessStream(unpaced)) {
            long read = trickle(trickling, unpaced, timeoutsBefore, 4_000);
            // No wait reached the stall, so the same trickle on the paced server ends by its rate.
            assertThat(handOffTimeouts(unpaced)).as("hand-offs given up, after %d bytes", read)
                    .isEqualTo(timeoutsBefore);
            assertThat(read).isGreaterThan(1 << 20);
        }
        unpaced.assertPoolsFull();
    }

    @Test
    void aPeerReadingFasterThanTheMinimumRateGetsTheWholeBody() throws Exception {
        long timeoutsBefore = handOffTimeouts(paced);
        int bytes = 64 << 20;
        try (RawHttp reader = new RawHttp(paced.port(), 30_000)) {
            reader.send("GET /test/stream?bytes=" + bytes + " HTTP/1.1\r\nHost: t\r\n\r\n");
            InputStream in = reader.socket.getInputStream();
            assertThat(HandOffTest.readHead(in)).startsWith("HTTP/1.1 200 OK\r\n");
            byte[] chunk = new byte[256 << 10];
            long body = 0;
            for (int n; body < bytes && (n = in.read(chunk, 0, (int) Math.min(chunk.length, bytes - body))) > 0; ) {
                body += n;
            }
            assertThat(body).as("body bytes before the server closed").isEqualTo(bytes);
            assertThat(reader.exchange(RawHttp.FAST).status()).isEqualTo(200); // and the connection came home
        }
        assertThat(handOffTimeouts(paced)).isEqualTo(timeoutsBefore);
        paced.assertPoolsFull();
    }

    /** Reads 64 KB every 40 ms until the server gives the hand-off up, or {@code limitMs}; returns the bytes read. */
    private static long trickle(Socket socket, TestServer server, long timeoutsBefore, long limitMs) throws Exception {
        InputStream in = socket.getInputStream();
        byte[] chunk = new byte[64 << 10];
        long read = 0;
        long deadline = System.nanoTime() + limitMs * 1_000_000;
        while (System.nanoTime() - deadline < 0 && handOffTimeouts(server) == timeoutsBefore) {
            int n = in.read(chunk);
            if (n < 0) {
                break;
            }
            read += n;
            Thread.sleep(40);
        }
        return read;
    }

    /** Reads until the end (false) or a reset (true), within 10 s; the server's buffers hold a few MB at most. */
    private static boolean drainsToAReset(Socket socket) throws Exception {
        InputStream in = socket.getInputStream();
        byte[] chunk = new byte[256 << 10];
        long deadline = System.nanoTime() + 10_000_000_000L;
        try {
            while (System.nanoTime() - deadline < 0 && in.read(chunk) >= 0) {
                // drained
            }
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    /** A connection with a small receive window that has asked for a 1 GiB /test/stream. */
    private static Socket requestEndlessStream(TestServer server) throws Exception {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(64 << 10); // before connecting: it sets the window the server sees
        socket.setSoTimeout(10_000);
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        try {
            socket.getOutputStream().write(ENDLESS.getBytes(StandardCharsets.US_ASCII));
        } catch (IOException e) {
            socket.close();
            throw e;
        }
        return socket;
    }

    /** The only worker answers again, and lets go of the connection it gave up. */
    private static void assertTheWorkerServes(TestServer server) throws Exception {
        try (RawHttp client = new RawHttp(server.port(), 10_000)) {
            assertThat(client.exchange(SYNC).status()).isEqualTo(200);
        }
    }

    private static void awaitHandOffTimeouts(TestServer server, long expected, long limitMs) throws Exception {
        long deadline = System.nanoTime() + limitMs * 1_000_000;
        while (System.nanoTime() - deadline < 0 && handOffTimeouts(server) < expected) {
            Thread.sleep(10);
        }
        assertThat(handOffTimeouts(server)).as("hand-offs given up").isEqualTo(expected);
    }

    private static long handOffTimeouts(TestServer server) {
        return server.server.kit().workerStats().stream().mapToLong(WorkerStatistics::handOffTimeouts).sum();
    }
}
