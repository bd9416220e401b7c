package loopwork.http;

import java.nio.ByteBuffer;

import loopwork.core.Connection;
import loopwork.core.ConnectionHandler;
import loopwork.core.LoopInfo;
import loopwork.core.TaskPayload;

/**
 * HTTP/1.1 on one event loop: parses each request where it lies in the input, routes it, and answers in
 * order. A request whose route offloaded a task holds back the requests pipelined after it until its
 * answer is written; their bytes stay in the connection's input.
 *
 * <p>Not thread-safe: owned by its event loop.
 */
final class HttpHandler implements ConnectionHandler {

    private final Routes routes;
    private final HttpStats stats;
    private final HttpExchange[] exchanges;
    private final int inputCapacity;

    HttpHandler(LoopInfo loop, Routes routes, HttpStats stats) {
        this.routes = routes;
        this.stats = stats;
        this.inputCapacity = loop.inputCapacity();
        exchanges = new HttpExchange[loop.capacity()];
        for (int i = 0; i < exchanges.length; i++) {
            exchanges[i] = new HttpExchange(stats);
        }
    }

    @Override
    public void onOpen(Connection connection) {
        exchanges[connection.id()].connection = connection;
    }

    @Override
    public void onData(Connection connection, ByteBuffer in) {
        HttpExchange exchange = exchanges[connection.id()];
        while (exchange.awaitingTaskOf == null && connection.isOpen()) {
            if (exchange.bodyToSkip > 0) {
                int skip = (int) Math.min(in.remaining(), exchange.bodyToSkip);
                in.position(in.position() + skip);
                exchange.bodyToSkip -= skip;
                if (exchange.bodyToSkip > 0) {
                    return;
                }
            }
            if (!in.hasRemaining() || !connection.canWrite(HttpResponse.MAX_EMPTY_BYTES)) {
                return; // nothing more, or no room for an answer: we are called again when output drains
            }
            int start = in.position();
            exchange.startRequest(in);
            int result = RequestParser.parse(in, start, in.limit(), exchange);
            if (result == RequestParser.INCOMPLETE) {
                if (in.remaining() >= inputCapacity) {
                    fail(exchange, HttpResponse.HEADER_FIELDS_TOO_LARGE);
                }
                return;
            }
            if (result < 0) {
                fail(exchange, result == -505 ? HttpResponse.VERSION_NOT_SUPPORTED
                        : result == -501 ? HttpResponse.NOT_IMPLEMENTED : HttpResponse.BAD_REQUEST);
                return;
            }
            stats.requested();
            dispatch(exchange);
            in.position(start + result);
            exchange.bodyToSkip = Math.max(0, exchange.contentLength);
        }
    }

    private void dispatch(HttpExchange exchange) {
        Route route = routes.match(exchange);
        if (route == null) {
            exchange.respond(HttpResponse.NOT_FOUND);
        } else if (exchange.method == HttpExchange.OTHER) {
            exchange.respond(HttpResponse.METHOD_NOT_ALLOWED);
        } else {
            route.onRequest(exchange);
            if (!exchange.responded && exchange.awaitingTaskOf == null && exchange.connection.isOpen()) {
                exchange.respond(HttpResponse.INTERNAL_SERVER_ERROR); // the route forgot to answer
            }
        }
    }

    /** A request we cannot parse: answer, then close, since where the next one starts is unknown. */
    private void fail(HttpExchange exchange, HttpResponse response) {
        exchange.respond(response, false);
    }

    @Override
    public void onTaskDone(Connection connection, int taskType, TaskPayload result) {
        HttpExchange exchange = exchanges[connection.id()];
        Route route = exchange.awaitingTaskOf;
        exchange.awaitingTaskOf = null;
        route.onTaskDone(exchange, taskType, result);
        if (!exchange.responded && connection.isOpen()) {
            exchange.respond(HttpResponse.INTERNAL_SERVER_ERROR);
        }
    }

    @Override
    public void onTaskFailed(Connection connection, int taskType) {
        HttpExchange exchange = exchanges[connection.id()];
        exchange.awaitingTaskOf = null;
        exchange.respond(HttpResponse.INTERNAL_SERVER_ERROR);
    }

    @Override
    public void onClose(Connection connection) {
        exchanges[connection.id()].reset();
    }
}
