package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import loopwork.http.HttpLimits;
import loopwork.http.HttpStats;

/**
 * {@code POST /test/echo} streaming at the edge, through curl and real sockets: HTTP/1.0 and 100-continue uploads
 * come back whole; a chunked upload over --max-body is cut after its answer began (curl sees it fail), and
 * counted; a client that sends without reading stops the server reading it, gets all once it reads, and is reset
 * by the write timeout if it never does. Every context and body buffer comes back.
 */
@Timeout(120)
class EchoEdgeTest {

    private static final int MAX_BODY = 1 << 20;
    /** The body of a client that sends without reading: more than the kernel's socket buffers take. */
    private static final int LARGE_BODY = 32 << 20;
    private static final long WRITE_TIMEOUT_MS = 3_000;
    private TestServer server;
    @TempDir
    Path dir;

    private void start(int maxBody) throws IOException {
        server = TestServer.start(16, new HttpLimits(2048, maxBody, 10_000, 10_000, WRITE_TIMEOUT_MS));
    }

    @AfterEach
    void stop() throws InterruptedException {
        try {
            server.assertPoolsFull();
        } finally {
            server.close();
        }
    }

    private record Curl(int exit, byte[] out) {
    }

    private Curl curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "--max-time", "30"));
        command.addAll(List.of(args));
        command.add("http://127.0.0.1:" + server.port() + "/test/echo");
        Process curl = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = curl.getInputStream().readAllBytes();
        assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Curl(curl.exitValue(), out);
    }

    private Path upload(String name, int length) throws IOException {
        byte[] bytes = new byte[length];
        new Random(length).nextBytes(bytes);
        return Files.write(dir.resolve(name), bytes);
    }

    private long badBodies() {
        return server.server.httpStats().stream().mapToLong(HttpStats::badBodies).sum();
    }

    @Test
    void http10And100ContinueUploadsComeBackWhole() throws Exception {
        start(MAX_BODY);
        Path file = upload("upload.bin", 300_000);
        byte[] bytes = Files.readAllBytes(file);
        assertThat(curl("--http1.0", "--data-binary", "@" + file).out()).isEqualTo(bytes);
        Path head = dir.resolve("head.txt");
        Curl continued = curl("-H", "Expect: 100-continue", "-D", head.toString(), "--data-binary", "@" + file);
        assertThat(continued.exit()).isZero();
        assertThat(continued.out()).isEqualTo(bytes);
        assertThat(Files.readString(head)).startsWith("HTTP/1.1 100 Continue\r\n").contains("HTTP/1.1 200 OK\r\n");
    }

    @Test
    void aChunkedUploadOverTheLimitIsCutAfterItsAnswerBeganAndCounted() throws Exception {
        start(MAX_BODY);
        Path file = upload("over.bin", MAX_BODY + 100_000);
        Path head = dir.resolve("head.txt");
        long before = badBodies();
        Curl over = curl("-H", "Transfer-Encoding: chunked", "-D", head.toString(), "--data-binary", "@" + file);
        assertThat(over.exit()).as("curl fails (its answer was cut), and not by its own time limit").isNotIn(0, 28);
        assertThat(Files.readString(head)).contains("HTTP/1.1 200 OK\r\n", "Transfer-Encoding: chunked");
        assertThat(over.out().length).isLessThanOrEqualTo(MAX_BODY);
        assertThat(badBodies()).isEqualTo(before + 1);
        assertThat(curl("--data-binary", "hello").out()).isEqualTo("hello".getBytes(StandardCharsets.US_ASCII));
    }

    /** Writes (and, if {@code reading}, reads) until all is written and read, or nothing moves for 300 ms. */
    private static void pump(SocketChannel channel, ByteBuffer out, ByteArrayOutputStream in, int expected,
            boolean reading) throws IOException, InterruptedException {
        ByteBuffer read = ByteBuffer.allocate(65_536);
        long lastProgress = System.nanoTime();
        while ((out.hasRemaining() || reading && in.size() < expected)
                && System.nanoTime() - lastProgress < 300_000_000L) {
            int moved = channel.write(out);
            if (reading) {
                int n = channel.read(read.clear());
                if (n < 0) {
                    break;
                }
                in.write(read.array(), 0, n);
                moved += n;
            }
            if (moved > 0) {
                lastProgress = System.nanoTime();
            } else {
                Thread.sleep(1); // nothing moved: the socket buffers are full, or the server has yet to answer
            }
        }
    }

    private SocketChannel client() throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.setOption(StandardSocketOptions.SO_RCVBUF, 4096); // the echo backs up soon when it does not read
        channel.connect(new InetSocketAddress("127.0.0.1", server.port()));
        channel.configureBlocking(false);
        return channel;
    }

    @Test
    void aClientThatSendsWithoutReadingIsHeldBackThenGetsItAllOnceItReads() throws Exception {
        start(LARGE_BODY);
        byte[] body = new byte[LARGE_BODY];
        new Random(3).nextBytes(body);
        byte[] head = ("POST /test/echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        ByteBuffer request = ByteBuffer.allocate(head.length + body.length).put(head).put(body).flip();
        ByteArrayOutputStream answer = new ByteArrayOutputStream(head.length + body.length);
        try (SocketChannel channel = client()) {
            pump(channel, request, answer, 0, false);
            System.out.printf("send without reading: the server took %,d of %,d bytes, then stopped reading%n",
                    request.position(), request.limit());
            assertThat(request.hasRemaining()).as("the server stopped reading: its echo waits for the client").isTrue();
            channel.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            pump(channel, request, answer, body.length + 100, true); // its head is under 100 bytes
            byte[] received = answer.toByteArray();
            String answerHead = new String(received, 0, Math.min(200, received.length), StandardCharsets.US_ASCII);
            int bodyStart = answerHead.indexOf("\r\n\r\n") + 4;
            assertThat(answerHead).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Length: " + body.length);
            assertThat(Arrays.equals(received, bodyStart, received.length, body, 0, body.length))
                    .as("the whole body back, %,d bytes of %,d", received.length - bodyStart, body.length).isTrue();
        }
        assertThat(server.server.httpStats().get(0).timeouts()).isZero();
    }

    @Test
    void aClientThatNeverReadsIsResetAfterTheWriteTimeout() throws Exception {
        start(LARGE_BODY);
        byte[] head = ("POST /test/echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + LARGE_BODY + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        ByteBuffer request = ByteBuffer.allocate(head.length + LARGE_BODY).put(head).flip();
        request.limit(request.capacity());
        try (SocketChannel channel = client()) {
            pump(channel, request, new ByteArrayOutputStream(), 0, false);
            assertThat(request.hasRemaining()).isTrue();
            server.assertPoolsFull(); // within 10 s: the write timeout, 3 s, has reset it
        }
        assertThat(server.server.httpStats().get(0).timeouts()).isEqualTo(1);
    }
}
