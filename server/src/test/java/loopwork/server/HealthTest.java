package loopwork.server;

import static loopwork.server.OperatorServers.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import loopwork.core.Kit;
import loopwork.core.ManualClient;
import loopwork.core.ManualKit;
import loopwork.http.HttpProtocol;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code /healthz} and {@code /readyz}, on the main port and the admin one: alive while serving; ready only
 * between the start and the drain, 503 "starting" before and "draining" after, as probes and balancers read them.
 */
@Timeout(60)
class HealthTest {

    @Test
    void aliveAndReadyOnBothPortsThenUnreadyOnceDraining() throws Exception {
        try (LoopworkServer server = OperatorServers.start(16, 1)) {
            assertThat(server.adminPort()).isPositive().isNotEqualTo(server.port());
            for (int port : new int[] {server.port(), server.adminPort()}) {
                assertThat(get(port, "/healthz")).satisfies(r -> {
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.body()).isEqualTo("ok\n");
                    assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
                });
                assertThat(get(port, "/readyz")).satisfies(r -> {
                    assertThat(r.statusCode()).isEqualTo(200);
                    assertThat(r.body()).isEqualTo("ready\n");
                });
            }
            assertThat(server.metricsText()).contains("\nloopwork_ready 1\n");

            server.markDraining();
            for (int port : new int[] {server.port(), server.adminPort()}) {
                assertThat(get(port, "/readyz")).satisfies(r -> {
                    assertThat(r.statusCode()).isEqualTo(503);
                    assertThat(r.body()).isEqualTo("draining\n");
                });
                assertThat(get(port, "/healthz").statusCode()).as("still alive while draining").isEqualTo(200);
            }
            assertThat(server.metricsText()).contains("\nloopwork_ready 0\n");
        }
    }

    /** The states in order, on a kit stepped by hand: starting, ready, draining, and never ready again. */
    @Test
    void readyOnlyBetweenStartAndDrain() throws Exception {
        Readiness readiness = new Readiness();
        HttpProtocol http = new HttpProtocol(List.of(new ReadyRoute(readiness), new HealthRoute()));
        try (ManualKit kit = Kit.builder().protocol(http).acceptThreads(1).workerThreads(0).acceptCapacity(4)
                .buildManual()) {
            assertThat(ask(kit, "/readyz")).startsWith("HTTP/1.1 503 ").endsWith("\r\n\r\nstarting\n");
            assertThat(ask(kit, "/healthz")).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\nok\n");
            readiness.markReady();
            assertThat(ask(kit, "/readyz")).startsWith("HTTP/1.1 200 ").endsWith("\r\n\r\nready\n");
            readiness.markDraining();
            readiness.markReady(); // a start finishing after a drain began: the drain wins
            assertThat(readiness.state()).isEqualTo(Readiness.State.DRAINING);
            assertThat(ask(kit, "/readyz")).startsWith("HTTP/1.1 503 ").endsWith("\r\n\r\ndraining\n");
            kit.runUntilIdle();
            assertThat(kit.poolsFull()).isTrue();
        }
    }

    private static String ask(ManualKit kit, String path) {
        ManualClient client = kit.connect();
        client.send("GET " + path + " HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n");
        kit.runUntilIdle();
        return client.receivedAscii();
    }
}
