package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import loopwork.core.BlockingConnection;
import loopwork.core.Kit;
import loopwork.core.LoopStatistics;
import loopwork.core.TaskPayload;
import loopwork.core.TaskRegistry;
import loopwork.core.TaskType;
import loopwork.core.Transport;
import loopwork.core.WorkerStatistics;
import loopwork.http.BlockingRoute;
import loopwork.http.HttpExchange;
import loopwork.http.HttpProtocol;
import loopwork.http.HttpResponse;
import loopwork.http.HttpStats;
import loopwork.http.Route;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Routes that throw, on an in-process server of one loop and one worker made for each test (so each starts
 * with a full rate limit): the client gets a 500 and a close when nothing of the answer was written, only the
 * close when some was; the server goes on serving; the failure is counted, and logged with its stack trace
 * through the System.Logger {@code loopwork.handler} (java.util.logging here), at most as often as the rate
 * limit allows.
 */
class HandlerFailureTest {

    /** The JUL logger behind {@code System.getLogger("loopwork.handler")}; held here so that it stays the same. */
    private static final Logger HANDLER_LOG = Logger.getLogger("loopwork.handler");
    private static final List<LogRecord> RECORDS = new CopyOnWriteArrayList<>();
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord record) {
            RECORDS.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    /** The kit logs failures at most this many at once, then one a second (docs/http.md; core's FailureLog). */
    private static final int LOG_BURST = 10;
    private static final Pattern SUPPRESSED = Pattern.compile("(\\d+) more failures not logged");
    private static final HttpResponse.Head STREAM_HEAD = new HttpResponse.Head(200, "OK", "");

    private Kit kit;
    private HttpProtocol http;

    /** A route at {@code path} whose {@code onRequest} is {@code request}. */
    private static Route route(String path, java.util.function.Consumer<HttpExchange> request) {
        return new Route() {
            @Override
            public String path() {
                return path;
            }

            @Override
            public void onRequest(HttpExchange exchange) {
                request.accept(exchange);
            }
        };
    }

    /** Throws from {@code onTaskDone}, {@code onTimer} or {@code onArrived}, after the route set that up. */
    private static final class ThrowsLater implements Route {
        private final String path;
        private int task = -1;

        ThrowsLater(String path) {
            this.path = path;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public void registerTasks(TaskRegistry tasks) {
            task = tasks.register(new TaskType() {
                @Override
                public int payloadBytes() {
                    return 0;
                }

                @Override
                public void run(TaskPayload payload) {
                }
            });
        }

        @Override
        public void onRequest(HttpExchange exchange) {
            switch (path) {
                case "/throw/task-done" -> {
                    if (exchange.tryOffload(task) == null) {
                        exchange.respond(HttpResponse.SERVICE_UNAVAILABLE);
                    } else {
                        exchange.commitTask(this);
                    }
                }
                case "/throw/timer" -> exchange.setTimer(this, 1);
                default -> {
                    if (!exchange.moveToWorker(this)) {
                        exchange.respond(HttpResponse.SERVICE_UNAVAILABLE);
                    }
                }
            }
        }

        @Override
        public void onTaskDone(HttpExchange exchange, int taskType, TaskPayload result) {
            throw new IllegalStateException("thrown by onTaskDone");
        }

        @Override
        public void onTimer(HttpExchange exchange) {
            throw new IllegalStateException("thrown by onTimer");
        }

        @Override
        public void onArrived(HttpExchange exchange) {
            throw new IllegalStateException("thrown by onArrived");
        }
    }

    /** Hands the connection off; {@code serve} answers {@code bytesFirst} bytes of a longer body first, if any. */
    private static final class ThrowsBlocking implements BlockingRoute {
        private final String path;
        private final int bytesFirst;

        ThrowsBlocking(String path, int bytesFirst) {
            this.path = path;
            this.bytesFirst = bytesFirst;
        }

        @Override
        public String path() {
            return path;
        }

        @Override
        public void onRequest(HttpExchange exchange) {
            if (!exchange.handOff(this)) {
                exchange.respond(HttpResponse.SERVICE_UNAVAILABLE);
            }
        }

        @Override
        public void serve(HttpExchange exchange, BlockingConnection connection) throws Exception {
            if (bytesFirst > 0) {
                exchange.respondHead(connection, STREAM_HEAD, 100_000);
                connection.write(new byte[bytesFirst]);
                connection.flush();
            }
            throw new IllegalStateException("thrown by serve");
        }
    }

    @BeforeAll
    static void capture() {
        HANDLER_LOG.addHandler(CAPTURE);
        HANDLER_LOG.setUseParentHandlers(false); // the stack traces would only fill the build's output
    }

    @AfterAll
    static void release() {
        HANDLER_LOG.removeHandler(CAPTURE);
        HANDLER_LOG.setUseParentHandlers(true);
    }

    @BeforeEach
    void start() throws IOException {
        RECORDS.clear();
        http = new HttpProtocol(List.of(
                route("/fine", exchange -> exchange.respond(HttpResponse.OK)),
                route("/throw/request", exchange -> {
                    throw new IllegalStateException("thrown by onRequest");
                }),
                route("/throw/after-answer", exchange -> {
                    exchange.respond(HttpResponse.OK);
                    throw new IllegalStateException("thrown by onRequest");
                }),
                new ThrowsLater("/throw/task-done"), new ThrowsLater("/throw/timer"),
                new ThrowsLater("/throw/arrived"), new ThrowsBlocking("/throw/blocking", 0),
                new ThrowsBlocking("/throw/blocking-after-head", 10_000)));
        kit = Kit.builder().host("127.0.0.1").port(0).acceptThreads(1).acceptCapacity(16).workerThreads(1)
                .transport(Transport.preferred()).protocol(http).build();
        kit.start();
    }

    @AfterEach
    void stop() throws InterruptedException {
        try {
            await("every context back in its pool", () -> kit.loopStats().stream()
                    .allMatch(loop -> loop.poolFree() == loop.capacity() && loop.open() == 0));
            assertThat(kit.unexpectedFailures()).as("loop cycles failed on a bug").isZero();
        } finally {
            kit.close();
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            /throw/request   | onRequest   | onData
            /throw/task-done | onTaskDone  | onTaskDone
            /throw/timer     | onTimer     | onTimer
            /throw/arrived   | onArrived   | onArrived
            /throw/blocking  | serve       | serve
            """)
    void aRouteThatThrowsBeforeAnsweringGets500AndACloseAndIsLogged(String path, String method, String kitCall)
            throws Exception {
        try (RawHttp client = new RawHttp(kit.port())) {
            client.send("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n" + RawHttp.FAST);
            RawHttp.Response answer = client.read();
            assertThat(answer).as("an answer").isNotNull();
            assertThat(answer.status()).isEqualTo(500);
            assertThat(answer.closes()).as("Connection: close").isTrue();
            assertThat(client.closedByServer()).as("closed, the pipelined request unanswered").isTrue();
        }
        assertCountedAndLogged(method, kitCall);
        assertThat(responses5xx()).as("500s counted").isEqualTo(1);
        assertServing();
    }

    /** An answer queued whole before the route threw goes out; then the close, and no 500. */
    @Test
    void aRouteThatThrowsAfterAnsweringOnlyCloses() throws Exception {
        try (RawHttp client = new RawHttp(kit.port())) {
            client.send("GET /throw/after-answer HTTP/1.1\r\nHost: t\r\n\r\n" + RawHttp.FAST);
            assertThat(client.read().status()).isEqualTo(200);
            assertThat(client.closedByServer()).as("closed, with no 500 and the pipelined request unanswered")
                    .isTrue();
        }
        assertCountedAndLogged("onRequest", "onData");
        assertThat(responses5xx()).isZero();
        assertServing();
    }

    /** A blocking route that threw halfway through its body: what it sent stays, cut short by the close. */
    @Test
    void aBlockingRouteThatThrowsAfterPartOfItsAnswerOnlyCloses() throws Exception {
        try (RawHttp client = new RawHttp(kit.port())) {
            RawHttp.Response answer = client.exchange("GET /throw/blocking-after-head HTTP/1.1\r\nHost: t\r\n\r\n");
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.body()).as("the body sent before the route threw, and no more").hasSize(10_000);
            assertThat(client.closedByServer()).isTrue();
        }
        assertCountedAndLogged("serve", "serve");
        assertThat(responses5xx()).isZero();
        assertServing();
    }

    /**
     * 1,000 failures in a row: each answered and counted; logged at most as the rate limit allows, a burst
     * then one a second; and the rest accounted for by the lines saying how many went unlogged.
     */
    @Test
    void aFloodOfFailuresIsLoggedAtTheRateLimit() throws Exception {
        int failures = 1000;
        long start = System.nanoTime();
        for (int i = 0; i < failures; i++) {
            try (RawHttp client = new RawHttp(kit.port())) {
                assertThat(client.exchange("GET /throw/request HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(500);
            }
        }
        long seconds = (System.nanoTime() - start + 999_999_999) / 1_000_000_000;
        await("every failure counted", () -> handlerErrors() == failures);
        await("every failure logged or said to be unlogged", () -> logged() + unlogged() == failures);
        assertThat(logged()).as("failures logged with their stack trace in " + seconds + " s")
                .isBetween((long) LOG_BURST, LOG_BURST + seconds);
        assertServing();
    }

    private void assertCountedAndLogged(String method, String kitCall) throws InterruptedException {
        await("the failure counted", () -> handlerErrors() == 1);
        await("the failure logged", () -> logged() == 1);
        LogRecord record = RECORDS.stream().filter(r -> r.getThrown() != null).findFirst().orElseThrow();
        assertThat(record.getLevel()).isEqualTo(java.util.logging.Level.SEVERE);
        assertThat(record.getMessage()).contains("handler failed in " + kitCall + " on connection ");
        assertThat(record.getThrown()).isInstanceOf(IllegalStateException.class).hasMessage("thrown by " + method);
        assertThat(record.getThrown().getStackTrace()).as("the stack trace").isNotEmpty();
    }

    private void assertServing() throws IOException {
        try (RawHttp client = new RawHttp(kit.port())) {
            assertThat(client.exchange("GET /fine HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(200);
        }
    }

    private long handlerErrors() {
        return kit.loopStats().stream().mapToLong(LoopStatistics::handlerErrors).sum()
                + kit.workerStats().stream().mapToLong(WorkerStatistics::handlerErrors).sum();
    }

    private long responses5xx() {
        return http.stats().stream().mapToLong(HttpStats::responses5xx).sum()
                + http.workerStats().stream().mapToLong(HttpStats::responses5xx).sum()
                + http.blockingStats().stream().mapToLong(HttpStats::responses5xx).sum();
    }

    private static long logged() {
        return RECORDS.stream().filter(r -> r.getThrown() != null).count();
    }

    private static long unlogged() {
        long sum = 0;
        for (LogRecord record : RECORDS) {
            Matcher count = SUPPRESSED.matcher(record.getMessage());
            if (record.getThrown() == null && count.find()) {
                sum += Long.parseLong(count.group(1));
            }
        }
        return sum;
    }

    /** Waits, at most 10 s, until {@code condition} holds (it is set by the server's threads), then asserts it. */
    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() - deadline < 0) {
            Thread.sleep(5);
        }
        assertThat(condition.getAsBoolean()).as(what).isTrue();
    }
}
