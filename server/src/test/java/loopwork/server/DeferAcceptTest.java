package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetSocketAddress;
import java.net.Socket;

import loopwork.core.Transport;
import loopwork.http.HttpLimits;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code --defer-accept}: the kernel holds a connection back from the loop until its request arrives. */
class DeferAcceptTest {

    private TestServer server;

    @BeforeEach
    void start() throws Exception {
        assumeTrue(Transport.EPOLL.isAvailable(), "TCP_DEFER_ACCEPT is set by the epoll transport only");
        server = TestServer.start(16, HttpLimits.DEFAULTS, 1);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aConnectionReachesTheLoopWithItsRequest() throws Exception {
        try (RawHttp client = new RawHttp(server.port())) {
            Thread.sleep(300);
            assertThat(server.accepted()).as("accepted before the request arrived").isZero();
            assertThat(client.exchange(RawHttp.FAST).status()).isEqualTo(200);
            assertThat(server.accepted()).isEqualTo(1);
            assertThat(client.exchange(RawHttp.FAST).status()).as("kept alive after").isEqualTo(200);
        }
    }

    @Test
    void closePerRequestClientsAreAllAnswered() throws Exception {
        for (int i = 0; i < 200; i++) {
            try (RawHttp client = new RawHttp(server.port())) {
                RawHttp.Response response = client.exchange("GET /test/fast HTTP/1.0\r\n\r\n");
                assertThat(response.status()).as("request %d", i).isEqualTo(200);
                assertThat(client.closedByServer()).isTrue();
            }
        }
        assertThat(server.accepted()).isEqualTo(200);
    }

    @Test
    void aConnectionThatNeverSpeaksIsAcceptedOnceTheTimeIsUp() throws Exception {
        try (Socket silent = new Socket()) {
            silent.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (server.accepted() == 0 && System.nanoTime() - deadline < 0) {
                Thread.sleep(20);
            }
            assertThat(server.accepted()).as("accepted within 10 s").isEqualTo(1);
        }
    }
}
