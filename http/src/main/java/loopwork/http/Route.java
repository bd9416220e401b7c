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
     * {@return the exact path served, without a query ({@code /test/fast}), for a route registered with
     * {@link RouteTable#add(Route)}; read once, when it is registered}
     *
     * @throws UnsupportedOperationException by default: routes registered with a pattern need not name one
     */
    default String path() {
        throw new UnsupportedOperationException("a route registered with a pattern names no path of its own");
    }

    /**
     * Registers the task types this route offloads ({@link HttpExchange#tryOffload}); called once while the kit
     * is built, on the thread building it, even for a route registered under several methods or patterns.
     *
     * @param tasks the kit's registry, valid during this call only
     */
    default void registerTasks(TaskRegistry tasks) {
    }

    /**
     * A request for this route: as its head arrives, or once its whole body has ({@link BodyMode#WHOLE}).
     *
     * @param exchange the connection's exchange, the request's views valid during this call only; the output
     *                 has room for 256 bytes now: a small answer whole, or a larger one's head
     */
    void onRequest(HttpExchange exchange);

    /**
     * For a route taking the body in pieces ({@link BodyMode#PIECES}): the next piece of the body (chunked
     * framing removed), where it lies. Take what you can and return how many bytes you took, from the start;
     * the rest is shown again at once while you take some, and once you take none, with more after the output
     * has drained: a route streaming the body back ({@link HttpExchange#beginBody} as the head arrives, then
     * {@link HttpExchange#writeBodyPart} here) takes what fit the output, and the peer's sending waits on its
     * reading. A route that takes nothing must have been refused a write, or the connection waits until a
     * timeout closes it.
     *
     * @param exchange the connection's exchange
     * @param piece    the bytes, valid during this call only (they lie in the connection's input); never empty
     * @return how many bytes of {@code piece} were taken, from its start: 0 to its length
     */
    default int onBodyPiece(HttpExchange exchange, ByteView piece) {
        return piece.length();
    }

    /**
     * For a route taking the body in pieces: the body has all come; answer now, or end an answer begun, if it has
     * not yet. For a request with no body, called right after {@link #onRequest} unless that went on elsewhere
     * (a task, a move, a timer, a hand-off).
     *
     * @param exchange the connection's exchange; the request's head views are valid only when this is called
     *                 right after {@code onRequest} (they are gone once a body has come in pieces)
     */
    default void onBodyEnd(HttpExchange exchange) {
    }

    /**
     * The output has room again for an answer begun with {@link HttpExchange#beginBody}: write on, and end it
     * with {@link HttpExchange#endBody} once all is written. The request's views are gone by now.
     *
     * @param exchange the connection's exchange
     */
    default void onWritable(HttpExchange exchange) {
    }

    /**
     * The task offloaded for this exchange has run; answer now, on the loop that offloaded it. The default
     * answers an empty 200: a route that offloads overrides it. The request's views are gone by now: what the
     * route needs travelled in the payload or {@link HttpExchange#note}.
     *
     * @param exchange the connection's exchange
     * @param taskType the type the task was claimed with ({@link HttpExchange#tryOffload})
     * @param result   the payload as the task left it, valid during this call only: the slot is reused after
     */
    default void onTaskDone(HttpExchange exchange, int taskType, TaskPayload result) {
        exchange.respond(HttpResponse.OK);
    }

    /**
     * The connection has arrived in a worker's loop after {@link HttpExchange#moveToWorker}; go on there,
     * and answer (then {@link HttpExchange#moveHome}, or stay). The default answers 500.
     *
     * @param exchange the connection's exchange, now owned by the worker's loop; the request's views are gone
     */
    default void onArrived(HttpExchange exchange) {
        exchange.respond(HttpResponse.INTERNAL_SERVER_ERROR, exchange.keepAlive());
    }

    /**
     * The timer set with {@link HttpExchange#setTimer} has expired; answer now, or set another. The default
     * answers 500.
     *
     * @param exchange the connection's exchange; the request's views are gone
     */
    default void onTimer(HttpExchange exchange) {
        exchange.respond(HttpResponse.INTERNAL_SERVER_ERROR, exchange.keepAlive());
    }
}
