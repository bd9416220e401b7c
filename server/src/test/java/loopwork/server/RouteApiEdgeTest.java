package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo routes of the route API through real clients at the edge: curl posting a 1 MB file and a chunked
 * upload to {@code /test/echo}, HEAD, a path parameter, the header listing, 405 with {@code Allow}; and a raw
 * client whose header tries to inject a line (a bare CR) getting 400. Every context and body buffer comes back.
 */
@Timeout(120)
class RouteApiEdgeTest {

    private TestServer server;
    @TempDir
    Path dir;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(1, 16, 1, 0);
    }

    @AfterEach
    void stop() throws InterruptedException {
        server.close();
    }

    private String url(String path) {
        return "http://127.0.0.1:" + server.port() + path;
    }

    /** Runs curl with {@code args}; its standard output. */
    private static byte[] curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "--max-time", "30"));
        command.addAll(List.of(args));
        Process curl = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = curl.getInputStream().readAllBytes();
        assertThat(curl.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(curl.exitValue()).as("curl's exit status").isZero();
        return out;
    }

    @Test
    void aOneMegabyteFileIsEchoedWithItsContentType() throws Exception {
        byte[] file = new byte[1 << 20]; // --max-body's default, exactly
        new Random(19).nextBytes(file);
        Path upload = Files.write(dir.resolve("upload.bin"), file);
        Path head = dir.resolve("head.txt");
        byte[] echoed = curl("--data-binary", "@" + upload, "-H", "Content-Type: application/x-test", "-D",
                head.toString(), url("/test/echo"));
        assertThat(echoed).isEqualTo(file);
        assertThat(Files.readString(head)).contains("Content-Type: application/x-test", "Content-Length: 1048576");
        byte[] over = curl("-o", "/dev/null", "-w", "%{http_code}", "--data-binary", "@" + upload, "--data-binary",
                "x", url("/test/echo"));
        assertThat(new String(over, StandardCharsets.US_ASCII)).as("one byte over --max-body").isEqualTo("413");
    }

    @Test
    void aChunkedUploadIsEchoedWhole() throws Exception {
        byte[] file = new byte[300_000];
        new Random(7).nextBytes(file);
        Path upload = Files.write(dir.resolve("chunked.bin"), file);
        byte[] echoed = curl("--data-binary", "@" + upload, "-H", "Transfer-Encoding: chunked", url("/test/echo"));
        assertThat(echoed).isEqualTo(file);
        byte[] small = curl("-d", "hello", "-H", "Transfer-Encoding: chunked", "-w", " %{content_type}",
                url("/test/echo"));
        assertThat(new String(small, StandardCharsets.US_ASCII)).isEqualTo("hello application/x-www-form-urlencoded");
    }

    @Test
    void itemsHeadersHeadAnd405() throws Exception {
        assertThat(new String(curl(url("/test/items/12345")), StandardCharsets.US_ASCII)).isEqualTo("12345");
        assertThat(new String(curl("-o", "/dev/null", "-w", "%{http_code}", url("/test/items/abc")),
                StandardCharsets.US_ASCII)).isEqualTo("404");
        String headers = new String(curl("-H", "X-Demo: yes", url("/test/headers")), StandardCharsets.US_ASCII);
        assertThat(headers).contains("Host: 127.0.0.1:", "X-Demo: yes\r\n", "User-Agent: curl/");
        String head = new String(curl("-I", url("/test/items/12345")), StandardCharsets.US_ASCII);
        assertThat(head).startsWith("HTTP/1.1 200 OK\r\n").contains("Content-Length: 5\r\n");
        String notAllowed = new String(curl("-i", "-X", "DELETE", url("/test/echo")), StandardCharsets.US_ASCII);
        assertThat(notAllowed).startsWith("HTTP/1.1 405 Method Not Allowed\r\n").contains("Allow: POST\r\n");
        String get = new String(curl("-i", url("/test/echo")), StandardCharsets.US_ASCII);
        assertThat(get).startsWith("HTTP/1.1 405").contains("Allow: POST\r\n");
    }

    @Test
    void aHeaderThatTriesToInjectALineIsRefused() throws Exception {
        try (RawHttp client = new RawHttp(server.port())) {
            RawHttp.Response answer = client.exchange("POST /test/echo HTTP/1.1\r\nHost: t\r\n"
                    + "Content-Type: text/plain\rX-Injected: 1\r\nContent-Length: 2\r\n\r\nhi");
            assertThat(answer.status()).isEqualTo(400);
            assertThat(answer.head()).doesNotContain("X-Injected");
        }
    }
}
