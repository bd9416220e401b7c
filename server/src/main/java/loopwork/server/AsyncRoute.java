package loopwork.server;

import loopwork.http.HttpExchange;
import loopwork.http.HttpResponse;

/**
 * {@code /test/async}: the connection is moved into a worker's own event loop, where the same HTTP code
 * serves it asynchronously: a timer of --slow-duration ms stands for the work, the worker's loop serves its
 * other connections meanwhile, then the 200 goes out and the connection moves back home.
 *
 * <p>Thread-safe: immutable.
 */
final class AsyncRoute extends WorkerRoute {

    AsyncRoute(String path, long slowMillis) {
        super(path, slowMillis);
    }

    @Override
    public void onRequest(HttpExchange exchange) {
        if (!exchange.moveToWorker(this)) {
            exchange.respond(HttpResponse.SERVICE_UNAVAILABLE);
        }
    }

    @Override
    public void onArrived(HttpExchange exchange) {
        exchange.setTimer(this, slowMillis);
    }

    @Override
    public void onTimer(HttpExchange exchange) {
        exchange.respond(HttpResponse.OK);
        exchange.moveHome();
    }
}
