package loopwork.http;

import loopwork.core.BlockingConnection;

/**
 * A route that answers with plain blocking code on a worker: its {@link #onRequest} hands the exchange off
 * ({@link HttpExchange#handOff}), and {@link #serve} then runs on the worker with the connection in
 * blocking mode. When it returns, the connection goes back to its loop for the next request.
 *
 * <p>Thread-safe by contract: one instance serves every worker at once.
 */
public interface BlockingRoute extends Route {

    /**
     * Answers the request, on a worker, with {@link HttpExchange#respond(BlockingConnection, HttpResponse)}
     * or {@link HttpExchange#respondHead} and body writes. Throwing closes the connection, after a 500 if
     * nothing of the answer was written; the kit counts and logs the failure (not an {@link java.io.IOException},
     * which it takes for the peer's).
     */
    void serve(HttpExchange exchange, BlockingConnection connection) throws Exception;
}
