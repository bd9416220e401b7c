package loopwork.http;

import loopwork.core.TaskPayload;
import loopwork.core.TaskRegistry;

/**
 * What answers a request, registered in a {@link RouteTable} by method and path pattern. Called on the loop
 * thread serving the connection, with the connection's exchange: answer at once with one of
 * {@link HttpExchange}'s {@code respond} methods, or go on elsewhere: a task ({@link HttpExchange#tryOffload},
 * answered in {@link #onTaskDone}), a worker's loop ({@link HttpExchange#moveToWorker}, {@link #onArrived}), a
 * timer ({@link #onTimer}), or blocking code ({@link BlockingRoute}). Later requests on the same connection
 * wait their turn meanwhile.
 *
 * <pre>{@code
 * routes.get("/hello", exchange -> exchange.respond(HELLO));          // a pre-encoded HttpResponse
 * routes.post("/echo", exchange -> exchange.respond(200, exchange.header("Content-Type"), exchange.body()));
 * }</pre>
 *
 * <p>A method that throws is counted and logged by the kit; the client gets a 500 and a close if nothing of
 * the answer was written yet, else only the close. Answer through the exchange only: it is how the exchange
 * knows that the request was answered.
 *
 * <p>Thread-safe by contract: one instance serves every loop, so it keeps no per-request state of its own.
 */
@FunctionalInterface
public interface Route {

    /**
     * The exact path served, without a query ({@code /test/fast}), for a route registered with
     * {@link RouteTable#add(Route)}; routes registered with a pattern need not name one.
     */
    default String path() {
        throw new UnsupportedOperationException("a route registered with a pattern names no path of its own");
    }

    /** Registers the task types this route offloads; called once while the kit is built. */
    default void registerTasks(TaskRegistry tasks) {
    }

    /** A request for this route: as its head arrives, or once its whole body has ({@link BodyMode#WHOLE}). */
    void onRequest(HttpExchange exchange);

    /**
     * For a route taking the body in pieces ({@link BodyMode#PIECES}): the next piece of the body (chunked
     * framing removed), where it lies. Take what you can and return how many bytes you took, from the start;
     * the rest is shown again at once while you take some, and once you take none, with more after the output
     * has drained: a route streaming the body back ({@link HttpExchange#beginBody} as the head arrives, then
     * {@link HttpExchange#writeBodyPart} here) takes what fit the output, and the peer's sending waits on its
     * reading. A route that takes nothing must have been refused a write, or the connection waits until a
     * timeout closes it.
     */
    default int onBodyPiece(HttpExchange exchange, ByteView piece) {
        return piece.length();
    }

    /**
     * For a route taking the body in pieces: the body has all come (at once, for a request with none); answer now,
     * or end an answer begun, if it has not yet.
     */
    default void onBodyEnd(HttpExchange exchange) {
    }

    /** The output has room again for an answer begun with {@link HttpExchange#beginBody}: write on. */
    default void onWritable(HttpExchange exchange) {
    }

    /** The task offloaded for this exchange has run; answer now. */
    default void onTaskDone(HttpExchange exchange, int taskType, TaskPayload result) {
        exchange.respond(HttpResponse.OK);
    }

    /** The connection has arrived in a worker's loop after {@link HttpExchange#moveToWorker}; go on there. */
    default void onArrived(HttpExchange exchange) {
        exchange.respond(HttpResponse.INTERNAL_SERVER_ERROR);
    }

    /** The timer set with {@link HttpExchange#setTimer} has expired. */
    default void onTimer(HttpExchange exchange) {
        exchange.respond(HttpResponse.INTERNAL_SERVER_ERROR);
    }
}
