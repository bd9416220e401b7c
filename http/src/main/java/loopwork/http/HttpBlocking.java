package loopwork.http;

import loopwork.core.BlockingConnection;
import loopwork.core.BlockingHandler;

/**
 * The kit's blocking handler for HTTP: runs the {@link BlockingRoute} that handed its exchange off, makes
 * sure the request got an answer, and gives the connection back to its loop when it stays alive.
 *
 * <p>Thread-safe: stateless; the exchange travels with the connection.
 */
final class HttpBlocking implements BlockingHandler {

    static final HttpBlocking INSTANCE = new HttpBlocking();

    private HttpBlocking() {
    }

    @Override
    public boolean serve(BlockingConnection connection) throws Exception {
        HttpExchange exchange = (HttpExchange) connection.attachment();
        ((HttpHandler) connection.handler()).adopt(exchange); // this worker's counters and Date line
        BlockingRoute route = (BlockingRoute) exchange.busyWith;
        route.serve(exchange, connection);
        if (!exchange.responded) {
            exchange.respond(connection, HttpResponse.INTERNAL_SERVER_ERROR);
        }
        exchange.busyWith = null;
        return exchange.keepAlive();
    }
}
