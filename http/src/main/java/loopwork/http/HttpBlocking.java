package loopwork.http;

import java.io.IOException;

import loopwork.core.BlockingConnection;
import loopwork.core.BlockingHandler;

/**
 * The kit's blocking handler for HTTP: runs the {@link BlockingRoute} that handed its exchange off, makes
 * sure the request got an answer (a 500 when the route returned or threw without one), and gives the
 * connection back to its loop when it stays alive.
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
        try {
            route.serve(exchange, connection);
        } catch (InterruptedException e) {
            throw e; // the worker is stopping: no answer
        } catch (Exception | LinkageError | AssertionError | StackOverflowError | OutOfMemoryError e) {
            if (!exchange.responded) {
                answerFailure(exchange, connection, e);
            }
            throw e; // the kit logs and counts it, and closes the connection
        }
        if (!exchange.responded) {
            exchange.respond(connection, HttpResponse.INTERNAL_SERVER_ERROR);
        }
        exchange.busyWith = null;
        return exchange.keepAlive();
    }

    /**
     * The route threw with nothing of its answer written: a 500 that closes the connection, sent now, since
     * the kit drops what is not flushed when a blocking handler throws. On a connection that failed (the
     * peer reset or stalled) this fails too, and is only noted on the route's failure.
     */
    private static void answerFailure(HttpExchange exchange, BlockingConnection connection, Throwable failure) {
        try {
            exchange.respondClosing(connection, HttpResponse.INTERNAL_SERVER_ERROR);
            connection.flush();
        } catch (IOException e) {
            failure.addSuppressed(e);
        }
    }
}
