package loopwork.http.guide;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import loopwork.core.Kit;
import loopwork.core.ManualClient;
import loopwork.core.ManualKit;

/** docs/http.md's example serves what the page says, stepped on a {@link ManualKit}. */
@Timeout(30)
class ItemsServiceTest {

    @Test
    void theExampleAnswersAsThePageSays() throws IOException {
        try (ManualKit kit = Kit.builder().protocol(ItemsService.protocol()).workerThreads(1).buildManual()) {
            ManualClient client = kit.connect();
            client.send("GET /items/7 HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /items/x HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nhi"
                    + "GET /report HTTP/1.1\r\nHost: t\r\n\r\n"
                    + "GET /static/a.css HTTP/1.1\r\nHost: t\r\n\r\n");
            kit.runUntilIdle();
            String received = client.receivedAscii();
            assertThat(received.split("HTTP/1.1 ")).hasSize(6);
            assertThat(received).contains("Cache-Control: no-store\r\n", "\r\n\r\n7HTTP/1.1 404", "\r\n\r\nhiHTTP/1.1 200",
                    "\r\n\r\nall well\nHTTP/1.1 200").endsWith("\r\n\r\n/static/a.css");
            client.shutdownOutput();
            kit.runUntilIdle();
            assertThat(kit.poolsFull()).isTrue();
        }
    }
}
