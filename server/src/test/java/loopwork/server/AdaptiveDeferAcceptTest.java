package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import loopwork.core.Transport;
import org.junit.jupiter.api.Test;

/**
 * {@code --defer-accept auto}: a loop defers accepting (TCP_DEFER_ACCEPT) once most connections of a window
 * came before their requests, and after a while stops deferring to look again. NIO cannot defer: there it
 * never does.
 */
class AdaptiveDeferAcceptTest {

    /** Connections between two decisions of a loop (AcceptDeferral.WINDOW). */
    private static final int WINDOW = 64;
    /** Windows a loop defers before it looks again (AcceptDeferral.WINDOWS_ON). */
    private static final int WINDOWS_ON = 32;

    @Test
    void connectionsAheadOfTheirRequestsTurnDeferringOnForAWhile() throws Exception {
        boolean epoll = Transport.preferred() == Transport.EPOLL;
        try (TestServer server = TestServer.startDeferringByLoad(2 * WINDOW)) {
            assertThat(deferring(server)).as("deferring at start").isZero();

            List<Socket> silent = new ArrayList<>();
            try {
                for (int i = 0; i < WINDOW; i++) {
                    silent.add(connect(server));
                }
                assertThat(within(10_000, () -> server.accepted() == WINDOW)).as("all accepted at once").isTrue();
                // The loop decides just after its 64th accept.
                assertThat(within(epoll ? 5_000 : 300, () -> deferring(server) == 1))
                        .as("deferring after a window of silent connections").isEqualTo(epoll);

                try (RawHttp late = new RawHttp(server.port())) {
                    Thread.sleep(300);
                    assertThat(server.accepted()).as("a silent connection accepted meanwhile")
                            .isEqualTo(epoll ? WINDOW : WINDOW + 1);
                    assertThat(late.exchange(RawHttp.FAST).status()).isEqualTo(200);
                    assertThat(server.accepted()).isEqualTo(WINDOW + 1);
                }
            } finally {
                for (Socket socket : silent) {
                    socket.close();
                }
            }

            // Deferred, each comes with its request. The window's last one makes the loop look again; none
            // comes after it that could be read before its request and turn deferring back on.
            for (int i = 0; i < WINDOWS_ON * WINDOW - 2; i++) {
                closePerRequest(server, i);
            }
            assertThat(deferring(server)).as("deferring until the last window is complete").isEqualTo(epoll ? 1 : 0);
            closePerRequest(server, WINDOWS_ON * WINDOW - 2);
            assertThat(within(5_000, () -> deferring(server) == 0)).as("deferring after %d windows", WINDOWS_ON)
                    .isTrue();
            long before = server.accepted();
            try (Socket quiet = connect(server)) {
                assertThat(within(700, () -> server.accepted() == before + 1))
                        .as("a silent connection accepted at once again").isTrue();
            }
        }
    }

    private static void closePerRequest(TestServer server, int i) throws Exception {
        try (RawHttp client = new RawHttp(server.port())) {
            assertThat(client.exchange("GET /test/fast HTTP/1.0\r\n\r\n").status()).as("client %d", i)
                    .isEqualTo(200);
        }
    }

    private static long deferring(TestServer server) {
        return server.loops().getFirst().deferringAccept();
    }

    private static Socket connect(TestServer server) throws Exception {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5_000);
        return socket;
    }

    private static boolean within(long ms, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + ms * 1_000_000;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }
}
