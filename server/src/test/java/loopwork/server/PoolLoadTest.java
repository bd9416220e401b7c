package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

/** Pool limits and churn: contexts are refused cleanly when none is free, and always come back. */
class PoolLoadTest {

    @Test
    void eleventhConnectionGets503WhileTheTenAreServedThenTenNewOnesAre() throws Exception {
        try (TestServer server = TestServer.start(1, 10, 1, 1)) {
            List<RawHttp> ten = new ArrayList<>();
            try {
                for (int i = 0; i < 10; i++) {
                    RawHttp client = new RawHttp(server.port());
                    ten.add(client);
                    assertThat(client.exchange(RawHttp.FAST).status()).isEqualTo(200);
                }
                try (RawHttp eleventh = new RawHttp(server.port())) {
                    RawHttp.Response refused = eleventh.send(RawHttp.FAST).read();
                    assertThat(refused.status()).isEqualTo(503);
                    assertThat(refused.closes()).isTrue();
                    assertThat(eleventh.closedByServer()).isTrue();
                }
                assertThat(server.rejected()).isEqualTo(1);
                for (RawHttp client : ten) {
                    assertThat(client.exchange(RawHttp.SLOW).status()).isEqualTo(200);
                }
            } finally {
                for (RawHttp client : ten) {
                    client.close();
                }
            }
            server.assertPoolsFull();
            List<RawHttp> again = new ArrayList<>();
            try {
                for (int i = 0; i < 10; i++) {
                    RawHttp client = new RawHttp(server.port());
                    again.add(client);
                    assertThat(client.exchange(RawHttp.FAST).status()).isEqualTo(200);
                }
            } finally {
                for (RawHttp client : again) {
                    client.close();
                }
            }
            assertThat(server.rejected()).isEqualTo(1);
        }
    }

    @Test
    void tenThousandCyclesWithResetsLeaveEveryPoolFull() throws Exception {
        SplittableRandom random = new SplittableRandom(42);
        try (TestServer server = TestServer.start(2, 256, 2, 0)) {
            int resets = 0;
            int resetsBeforeAccept = 0;
            for (int cycle = 0; cycle < 10_000; cycle++) {
                RawHttp client = new RawHttp(server.port());
                int kind = random.nextInt(10);
                if (kind == 0) {
                    client.send(RawHttp.SLOW).reset(); // reset while the task is in flight
                    resets++;
                } else if (kind == 1) {
                    client.send(RawHttp.FAST.substring(0, 10)).reset(); // reset mid-request
                    resets++;
                } else if (kind == 2) {
                    client.reset(); // reset before any byte: the kernel may drop it before the loop accepts it
                    resets++;
                    resetsBeforeAccept++;
                } else {
                    assertThat(client.exchange(kind == 3 ? RawHttp.SLOW : RawHttp.FAST).status()).isEqualTo(200);
                    client.close();
                }
            }
            assertThat(resets).isGreaterThan(2000);
            server.assertPoolsFull();
            assertThat(server.accepted()).isBetween(10_000L - resetsBeforeAccept, 10_000L);
            assertThat(server.rejected()).isZero();
        }
    }

    @Test
    void connectionsLandOnEveryLoop() throws Exception {
        try (TestServer server = TestServer.start(2, 1024, 1, 0)) {
            List<RawHttp> clients = new ArrayList<>();
            try {
                for (int i = 0; i < 1000; i++) {
                    RawHttp client = new RawHttp(server.port());
                    clients.add(client);
                    client.send(RawHttp.FAST);
                }
                for (RawHttp client : clients) {
                    assertThat(client.read().status()).isEqualTo(200);
                }
            } finally {
                closeAll(clients);
            }
            assertThat(server.accepted()).isEqualTo(1000);
            for (var loop : server.loops()) {
                assertThat(loop.accepted()).as("connections the kernel gave each SO_REUSEPORT loop").isGreaterThan(200);
            }
        }
    }

    private static void closeAll(List<RawHttp> clients) throws IOException {
        for (RawHttp client : clients) {
            client.close();
        }
    }
}
