package loopwork.http;

import java.nio.ByteBuffer;

import loopwork.core.Connection;
import loopwork.core.ConnectionHandler;
import loopwork.core.LoopInfo;
import loopwork.core.TaskPayload;

/**
 * HTTP/1.1 on one loop (an accept loop, or a worker's loop for connections moved there): parses each
 * request where it lies in the input, routes it, and answers in order. A request whose route is still
 * answering (a task, a hand-off, a move, a timer) holds back the requests pipelined after it; their bytes
 * stay in the connection's input. Per-connection state is the {@link HttpExchange} attached to each
 * context when it opens, so a worker's handler can serve a connection moved to it.
 *
 * <p>Not thread-safe: owned by its loop.
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
        HttpExchange exchange = exchanges[connection.id()];
        exchange.connection = connection;
        exchange.stats = stats;
        connection.attach(exchange);
    }

    @Override
    public void onData(Connection connection, ByteBuffer in) {
        HttpExchange exchange = (HttpExchange) connection.attachment();
        while (exchange.busyWith == null && connection.isOpen()) {
            if (exchange.bodyToSkip > 0) {
                int skip = (int) Math.min(in.remaining(), exchange.bodyToSkip);
                in.position(in.position() + skip);
                exchange.bodyToSkip -= skip;
                if (exchange.bodyToSkip > 0) {
                    return;
                }
            }
            if (!in.hasRemaining() || !connection.canWrite(HttpExchange.WRITE_CHUNK)) {
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
            answered(exchange);
        }
    }

    /** After a route's call: it answered, or it is still at it; anything else is a bug in the route. */
    private static void answered(HttpExchange exchange) {
        if (!exchange.responded && exchange.busyWith == null && exchange.connection.isOpen()) {
            exchange.respond(HttpResponse.INTERNAL_SERVER_ERROR);
        }
    }

    /** A request we cannot parse: answer, then close, since where the next one starts is unknown. */
    private static void fail(HttpExchange exchange, HttpResponse response) {
        exchange.respond(response, false);
    }

    @Override
    public void onTaskDone(Connection connection, int taskType, TaskPayload result) {
        HttpExchange exchange = (HttpExchange) connection.attachment();
        Route route = exchange.busyWith;
        exchange.busyWith = null;
        route.onTaskDone(exchange, taskType, result);
        answered(exchange);
    }

    @Override
    public void onTaskFailed(Connection connection, int taskType) {
        HttpExchange exchange = (HttpExchange) connection.attachment();
        exchange.busyWith = null;
        exchange.respond(HttpResponse.INTERNAL_SERVER_ERROR);
    }

    @Override
    public void onArrived(Connection connection) {
        HttpExchange exchange = (HttpExchange) connection.attachment();
        exchange.stats = stats;
        if (exchange.blockingStatus != 0) {
            stats.responded(exchange.blockingStatus); // answered by a blocking route on a worker
            exchange.blockingStatus = 0;
        }
        Route route = exchange.busyWith;
        if (route != null && !exchange.responded) {
            route.onArrived(exchange);
            answered(exchange);
        }
    }

    @Override
    public void onTimer(Connection connection) {
        HttpExchange exchange = (HttpExchange) connection.attachment();
        Route route = exchange.busyWith;
        if (route != null) {
            route.onTimer(exchange);
            answered(exchange);
        }
    }

    @Override
    public void onWritable(Connection connection) {
        HttpExchange exchange = (HttpExchange) connection.attachment();
        if (exchange.busyWith == HttpExchange.WRITING_LARGE) {
            exchange.continueLarge();
        }
    }

    @Override
    public void onClose(Connection connection) {
        HttpExchange exchange = (HttpExchange) connection.attachment();
        if (exchange != null) {
            exchange.reset();
        }
    }
}
