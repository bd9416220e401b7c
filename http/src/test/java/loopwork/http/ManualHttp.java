package loopwork.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import loopwork.core.BlockingConnection;
import loopwork.core.Kit;
import loopwork.core.ManualKit;
import loopwork.core.TaskPayload;
import loopwork.core.TaskRegistry;
import loopwork.core.TaskType;

/**
 * HTTP on a {@link ManualKit}, for the tests that step it: a kit of one accept loop and one worker serving a few
 * routes, the answers a client received taken apart, and routes that take as long as a test says (a route timer,
 * a task, a move to the worker's loop, a hand-off).
 *
 * <p>Not thread-safe: one test's thread.
 */
final class ManualHttp {

    /** A route's work takes this long: longer than every timeout the tests set. */
    static final long SLOW_MS = 5_000;
    static final long QUEUE_TIMEOUT_MS = 60_000;

    private ManualHttp() {
    }

    /** One loop with 8 contexts of 4 KB buffers and one worker, serving {@code http}. */
    static ManualKit kit(HttpProtocol http) throws IOException {
        return Kit.builder().protocol(http).acceptThreads(1).workerThreads(1).acceptCapacity(8)
                .taskSlotsPerWorker(4).queueTimeoutMs(QUEUE_TIMEOUT_MS).buildManual();
    }

    static String get(String path) {
        return "GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n";
    }

    /** One answer: its status, head (without the Date line, which follows the wall clock) and body. */
    record Answer(int status, String head, String body) {
        boolean closes() {
            return head.contains("Connection: close\r\n");
        }
    }

    /** The whole answers in {@code received}; fails on one cut short. */
    static List<Answer> answers(String received) {
        List<Answer> answers = new ArrayList<>();
        int at = 0;
        while (at < received.length()) {
            int end = received.indexOf("\r\n\r\n", at);
            assertThat(end).as("the end of an answer's head in %s", received).isPositive();
            String head = received.substring(at, end + 2).replaceAll("Date: [^\r]*\r\n", "");
            int length = 0;
            for (String line : head.split("\r\n")) {
                if (line.startsWith("Content-Length: ")) {
                    length = Integer.parseInt(line.substring("Content-Length: ".length()));
                }
            }
            int bodyStart = end + 4;
            assertThat(received.length()).as("a whole body in %s", received).isGreaterThanOrEqualTo(bodyStart + length);
            answers.add(new Answer(Integer.parseInt(head.substring(9, 12)), head,
                    received.substring(bodyStart, bodyStart + length)));
            at = bodyStart + length;
        }
        return answers;
    }

    /** Statuses of the whole answers in {@code received}. */
    static List<Integer> statuses(String received) {
        return answers(received).stream().map(Answer::status).toList();
    }

    /** 200 with {@code body} as text. */
    static Route fixed(String path, String body) {
        HttpResponse response = new HttpResponse(200, "OK", "", "text/plain",
                body.getBytes(StandardCharsets.US_ASCII));
        return new Route() {
            @Override
            public String path() {
                return path;
            }

            @Override
            public void onRequest(HttpExchange exchange) {
                exchange.respond(response);
            }
        };
    }

    /** Answers {@link #SLOW_MS} after the request, from a route timer on the loop. */
    static Route timer(String path) {
        return new Route() {
            @Override
            public String path() {
                return path;
            }

            @Override
            public void onRequest(HttpExchange exchange) {
                exchange.setTimer(this, SLOW_MS);
            }

            @Override
            public void onTimer(HttpExchange exchange) {
                exchange.respond(HttpResponse.OK);
            }
        };
    }

    /** Answers once its task has run on the worker: as slow as the test keeps the worker busy. */
    static Route task(String path) {
        return new Route() {
            private int type = -1;

            @Override
            public String path() {
                return path;
            }

            @Override
            public void registerTasks(TaskRegistry tasks) {
                type = tasks.register(new TaskType() {
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
                if (exchange.tryOffload(type) == null) {
                    exchange.respond(HttpResponse.SERVICE_UNAVAILABLE);
                    return;
                }
                exchange.commitTask(this);
            }
        };
    }

    /** Moves to the worker's loop, answers there {@link #SLOW_MS} later, and goes home. */
    static Route async(String path) {
        return new Route() {
            @Override
            public String path() {
                return path;
            }

            @Override
            public void onRequest(HttpExchange exchange) {
                if (!exchange.moveToWorker(this)) {
                    exchange.respond(HttpResponse.SERVICE_UNAVAILABLE);
                }
            }

            @Override
            public void onArrived(HttpExchange exchange) {
                exchange.setTimer(this, SLOW_MS);
            }

            @Override
            public void onTimer(HttpExchange exchange) {
                exchange.respond(HttpResponse.OK);
                exchange.moveHome();
            }
        };
    }

    /** Handed off to the worker, which answers with a blocking write: as slow as the test keeps it waiting. */
    static Route sync(String path) {
        return new BlockingRoute() {
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
            public void serve(HttpExchange exchange, BlockingConnection connection) throws IOException {
                exchange.respond(connection, HttpResponse.OK);
            }
        };
    }
}
