package loopwork.server;

import loopwork.core.BlockingConnection;
import loopwork.http.BlockingRoute;
import loopwork.http.HttpExchange;
import loopwork.http.HttpResponse;

/**
 * {@code /test/sync}: the connection is handed to a worker and served synchronously there (the seed:
 * "handling synchronously in worker thread"): --slow-duration ms of work, a blocking write of the 200,
 * then back to its loop.
 *
 * <p>Thread-safe: immutable.
 */
final class SyncRoute extends WorkerRoute implements BlockingRoute {

    SyncRoute(String path, long slowMillis) {
        super(path, slowMillis);
    }

    @Override
    public void onRequest(HttpExchange exchange) {
        if (!exchange.handOff(this)) {
            exchange.respond(HttpResponse.SERVICE_UNAVAILABLE);
        }
    }

    @Override
    public void serve(HttpExchange exchange, BlockingConnection connection) throws Exception {
        if (slowMillis > 0) {
            Pause.millis(slowMillis);
        }
        exchange.respond(connection, HttpResponse.OK);
    }
}
