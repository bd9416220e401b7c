package loopwork.http;

import loopwork.core.BlockingConnection;

/**
 * A route that answers with plain blocking code on a worker: its {@link #onRequest} hands the exchange off
 * ({@link HttpExchange#handOff}; 503 when no worker can take it), and {@link #serve} then runs on the worker
 * with the connection in blocking mode. When it returns, the connection goes back to its loop for the next
 * request. The request's head views are gone by then: read them in an {@link #onRequest} of your own before
 * the hand-off (keeping numbers with {@link HttpExchange#note}); the body is read with
 * {@link HttpExchange#bodyStream}.
 *
 * <pre>{@code
 * routes.get("/report", (exchange, blocking) -> exchange.respond(blocking, 200, "text/plain", report(), 0, n));
 * }</pre>
 *
 * <p>Thread-safe by contract: one instance serves every worker at once.
 */
@FunctionalInterface
public interface BlockingRoute extends Route {

    @Override
    default void onRequest(HttpExchange exchange) {
        if (!exchange.handOff(this)) {
            exchange.respond(HttpResponse.SERVICE_UNAVAILABLE);
        }
    }

    /**
     * Answers the request, on a worker, with one of {@link HttpExchange}'s blocking {@code respond} methods or
     * {@link HttpExchange#respondHead} and body writes. Throwing closes the connection, after a 500 if
     * nothing of the answer was written; the kit counts and logs the failure (not an {@link java.io.IOException},
     * which it takes for the peer's). Returning without an answer gets a 500 sent for it.
     *
     * @param exchange   the request's exchange, now owned by this worker thread; its head views are gone (see the
     *                   class comment), its body is read with {@link HttpExchange#bodyStream}
     * @param connection the connection in blocking mode, valid during this call only: the answer is written to it
     * @throws Exception anything the route's code throws; an {@link InterruptedException} means the worker is
     *                   stopping, and no answer is sent
     */
    void serve(HttpExchange exchange, BlockingConnection connection) throws Exception;
}
