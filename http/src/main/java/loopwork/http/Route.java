package loopwork.http;

import loopwork.core.TaskPayload;
import loopwork.core.TaskRegistry;

/**
 * What answers one exact path. Called on the loop thread of the connection, with the connection's
 * exchange: answer at once with {@link HttpExchange#respond}, or offload a task with
 * {@link HttpExchange#tryOffload} and answer in {@link #onTaskDone}. Later requests on the same
 * connection wait their turn meanwhile.
 *
 * <pre>{@code
 * Route hello = new Route() {
 *     public String path() { return "/hello"; }
 *     public void onRequest(HttpExchange exchange) { exchange.respond(HELLO); }  // a pre-encoded HttpResponse
 * };
 * }</pre>
 *
 * <p>A method that throws is counted and logged by the kit; the client gets a 500 and a close if nothing of
 * the answer was written yet, else only the close. Answer through the exchange only: it is how the exchange
 * knows that the request was answered.
 *
 * <p>Thread-safe by contract: one instance serves every loop, so it keeps no per-request state of its own.
 */
public interface Route {

    /** The exact path served, without a query: {@code /test/fast}. */
    String path();

    /** Registers the task types this route offloads; called once while the kit is built. */
    default void registerTasks(TaskRegistry tasks) {
    }

    /** A GET or HEAD request for {@link #path()} (other methods get 405 before this). */
    void onRequest(HttpExchange exchange);

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
