package loopwork.server;

import static loopwork.server.OperatorServers.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import loopwork.core.Kit;
import loopwork.core.ManualClient;
import loopwork.core.ManualKit;
import loopwork.http.HttpProtocol;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The operator can always look in: with the main pool full, {@code /metrics} still answers on the admin port,
 * and running out of contexts is logged at WARNING once an interval, not once a refusal (System.Logger
 * {@code loopwork.capacity}, java.util.logging here). An admin address that is taken fails the start when it
 * was asked for, and is only warned about when it is the default.
 */
@Timeout(60)
class AdminListenerTest {

    /** The JUL logger behind {@code System.getLogger("loopwork.capacity")}; held so that it stays the same. */
    private static final Logger CAPACITY_LOG = Logger.getLogger("loopwork.capacity");
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureTheCapacityLog() {
        CAPACITY_LOG.addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        CAPACITY_LOG.removeHandler(capture);
    }

    @Test
    void withTheMainPoolFullMetricsStillAnswerOnTheAdminPort() throws Exception {
        try (LoopworkServer server = OperatorServers.start(2, 1)) {
            List<RawHttp> held = new ArrayList<>();
            try {
                for (int i = 0; i < 2; i++) { // every context of the main pool taken by a kept-alive connection
                    RawHttp client = new RawHttp(server.port());
                    held.add(client);
                    assertThat(client.exchange(RawHttp.FAST).status()).isEqualTo(200);
                }
                for (int i = 0; i < 5; i++) {
                    try (RawHttp refused = new RawHttp(server.port())) {
                        assertThat(refused.exchange("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n").status())
                                .as("the main port, full").isEqualTo(503);
                    }
                }
                HttpResponse<String> metrics = get(server.adminPort(), "/metrics");
                assertThat(metrics.statusCode()).isEqualTo(200);
                assertThat(metrics.body()).contains("\nloopwork_connections_rejected_total{loop=\"0\"} 5\n",
                        "\nloopwork_pool_free{loop=\"0\"} 0\n", "\nloopwork_ready 1\n");
                assertThat(get(server.adminPort(), "/readyz").statusCode()).isEqualTo(200);
            } finally {
                for (RawHttp client : held) {
                    client.close();
                }
            }
        }
        // Five refusals within far less than the 10 s interval: one line.
        assertThat(records).singleElement().satisfies(record -> {
            assertThat(record.getLevel()).isEqualTo(Level.WARNING);
            assertThat(record.getMessage()).contains("loopwork-loop-0: connection refused", "all 2 contexts");
        });
    }

    /** On a kit stepped by hand, its clock moved by the test: one line an interval, and the count after it. */
    @Test
    void runningOutOfContextsIsLoggedOnceAnIntervalWithTheCount() throws Exception {
        HttpProtocol http = new HttpProtocol(List.of(new HealthRoute()));
        try (ManualKit kit = Kit.builder().protocol(http).acceptThreads(1).workerThreads(0).acceptCapacity(1)
                .buildManual()) {
            ManualClient holder = kit.connect(); // kept alive: its idle timeout (60 s) outlasts the test's 20 s
            holder.send("GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n");
            kit.runUntilIdle();
            for (int i = 0; i < 20; i++) {
                kit.connect();
                kit.runUntilIdle();
                kit.advanceMs(100); // 20 refusals over 2 s
            }
            assertThat(kit.loopStats().getFirst().rejected()).isEqualTo(20);
            assertThat(messages()).singleElement().asString().contains("connection refused", "all 1 contexts");

            kit.advanceMs(8_000); // the interval after the first line is over: the count comes out
            kit.runUntilIdle();
            assertThat(messages()).hasSize(2).last().asString()
                    .isEqualTo("loopwork-loop-0: 19 more connections refused in the 10 s after the last line");

            kit.connect();
            kit.runUntilIdle();
            assertThat(messages()).as("the next refusal within the interval after that line: counted")
                    .hasSize(2);
            kit.advanceMs(10_000);
            kit.runUntilIdle();
            assertThat(messages()).hasSize(3).last().asString()
                    .isEqualTo("loopwork-loop-0: 1 more connections refused in the 10 s after the last line");
            holder.shutdownOutput();
            kit.runUntilIdle();
            assertThat(kit.poolsFull()).isTrue();
        }
    }

    private List<String> messages() {
        return records.stream().map(LogRecord::getMessage).toList();
    }

    @Test
    void anAdminAddressTakenFailsTheStartWhenAskedForAndIsWarnedAboutWhenTheDefault() throws Exception {
        try (LoopworkServer first = OperatorServers.start(4, 1)) {
            int taken = first.adminPort();
            ServerOptions.Admin asked = new ServerOptions.Admin("127.0.0.1", taken, true);
            assertThatThrownBy(() -> LoopworkServer.start(OperatorServers.settings(4, 1, asked), null))
                    .isInstanceOf(IOException.class).hasMessageContaining("127.0.0.1:" + taken)
                    .hasMessageContaining("--admin-port");
            ServerOptions.Admin byDefault = new ServerOptions.Admin("127.0.0.1", taken, false);
            try (LoopworkServer second = LoopworkServer.start(OperatorServers.settings(4, 1, byDefault), null)) {
                assertThat(second.adminPort()).as("none: the first keeps its admin port to itself").isEqualTo(-1);
                assertThat(get(second.port(), "/healthz").statusCode()).isEqualTo(200);
                assertThat(get(taken, "/metrics").body()).as("scrapes still reach the first only")
                        .contains("loopwork_connections_accepted_total{loop=\"0\"} 0\n");
            }
        }
    }
}
