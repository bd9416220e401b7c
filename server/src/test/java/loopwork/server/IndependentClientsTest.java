package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** curl and Python's http.client, clients we did not write, agree with the server on what they can express. */
class IndependentClientsTest {

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(2, 64, 2, 5);
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    @Test
    void curlAgrees() throws Exception {
        String base = "http://127.0.0.1:" + server.port();
        assertThat(curl(base + "/test/fast")).isEqualTo("200");
        assertThat(curl("-I", base + "/test/fast")).isEqualTo("200");
        assertThat(curl("--http1.0", base + "/test/slow")).isEqualTo("200");
        assertThat(curl(base + "/test/sync")).isEqualTo("200");
        assertThat(curl(base + "/test/async")).isEqualTo("200");
        assertThat(curl(base + "/nope")).isEqualTo("404");
        assertThat(curl("--data", "x=1", base + "/test/fast")).isEqualTo("405");
        assertThat(curl("-H", "Transfer-Encoding: chunked", "--data-binary", "hello", base + "/test/fast"))
                .isEqualTo("405");
        assertThat(curl("-H", "Expect: 100-continue", "--data-binary", "a".repeat(2000), base + "/test/fast"))
                .isEqualTo("405");
        java.nio.file.Path big = java.nio.file.Files.createTempFile("loopwork-body", ".bin");
        try {
            java.nio.file.Files.write(big, new byte[2 << 20]);
            assertThat(curl("--data-binary", "@" + big, base + "/test/fast")).isEqualTo("413");
        } finally {
            java.nio.file.Files.deleteIfExists(big);
        }
        assertThat(curl("-H", "Host:", base + "/test/fast")).isEqualTo("400"); // curl drops Host: HTTP/1.1 needs one
        assertThat(curl(base + "/" + "a".repeat(3000))).isEqualTo("414");
        // Keep-alive: several URLs, one connection.
        assertThat(curl("-w", "%{http_code}:%{num_connects} ", base + "/test/fast", base + "/test/sync",
                base + "/test/fast")).isEqualTo("200:1 200:0 200:0");
        assertThat(curl("-w", "%{http_code} %{size_download}", base + "/test/stream?bytes=100000"))
                .isEqualTo("200 100000");
    }

    @Test
    void pythonHttpClientAgrees() throws Exception {
        String script = """
                import http.client, sys
                c = http.client.HTTPConnection("127.0.0.1", int(sys.argv[1]), timeout=10)
                out = []
                def ask(method, path, body=None, headers={}, chunked=False):
                    c.request(method, path, body=body, headers=headers, encode_chunked=chunked)
                    r = c.getresponse()
                    data = r.read()
                    out.append("%s %d %d %s" % (path, r.status, len(data), r.getheader("Connection", "-")))
                ask("GET", "/test/fast")
                ask("HEAD", "/test/fast")
                ask("GET", "/test/slow")
                ask("GET", "/test/sync")
                ask("GET", "/test/async")
                ask("GET", "/test/stream?bytes=5000")
                ask("POST", "/test/fast", body=b"x" * 100)
                ask("POST", "/test/fast", body=iter([b"abc", b"defg"]), chunked=True)
                ask("GET", "/nope")
                ask("GET", "/metrics")
                ask("GET", "/test/fast", headers={"Connection": "close"})
                print("\\n".join(out))
                """;
        Process python = new ProcessBuilder("python3", "-c", script, String.valueOf(server.port()))
                .redirectErrorStream(true).start();
        assertThat(python.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(python.exitValue()).as(output).isZero();
        List<String> lines = List.of(output.split("\n"));
        assertThat(lines).hasSize(11);
        assertThat(lines.get(0)).isEqualTo("/test/fast 200 0 -");
        assertThat(lines.get(1)).isEqualTo("/test/fast 200 0 -");
        assertThat(lines.get(2)).isEqualTo("/test/slow 200 0 -");
        assertThat(lines.get(3)).isEqualTo("/test/sync 200 0 -");
        assertThat(lines.get(4)).isEqualTo("/test/async 200 0 -");
        assertThat(lines.get(5)).isEqualTo("/test/stream?bytes=5000 200 5000 -");
        assertThat(lines.get(6)).isEqualTo("/test/fast 405 0 -");
        assertThat(lines.get(7)).isEqualTo("/test/fast 405 0 -");
        assertThat(lines.get(8)).isEqualTo("/nope 404 0 -");
        assertThat(lines.get(9)).startsWith("/metrics 200 ");
        assertThat(lines.get(10)).isEqualTo("/test/fast 200 0 close");
    }

    private static String curl(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "--max-time", "20"));
        command.addAll(List.of(args));
        Process curl = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(curl.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    }
}
