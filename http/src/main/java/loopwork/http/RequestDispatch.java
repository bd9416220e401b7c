package loopwork.http;

import java.nio.ByteBuffer;

import loopwork.core.Connection;

/**
 * Takes each parsed request to its route, as the route's {@link BodyMode} says: at once (its body then read past
 * or shown in pieces), once its whole body has come into the input behind its head, or once the body has been
 * gathered in one of the loop's body buffers; and answers 404 or 405 (with the table's {@code Allow}) for a
 * request no route takes.
 *
 * <p>Not thread-safe: owned by its handler's thread.
 */
final class RequestDispatch {

    private final Routes routes;
    private final HttpStats stats;
    private final HttpScratch scratch;
    private final BodyBuffers bodies;
    private final int inputCapacity;

    RequestDispatch(Routes routes, HttpStats stats, HttpScratch scratch, BodyBuffers bodies, int inputCapacity) {
        this.routes = routes;
        this.stats = stats;
        this.scratch = scratch;
        this.bodies = bodies;
        this.inputCapacity = inputCapacity;
    }

    /**
     * Routes a parsed request and calls its route as its body mode says: now (the body read past or shown in
     * pieces after), once its whole body is in the input, or once it is gathered in a body buffer. Returns false
     * when the request waits, unconsumed, for the rest of a body that fits the input with it.
     */
    boolean take(Connection connection, HttpExchange exchange, ByteBuffer in, int start, int headLength) {
        exchange.headEnd = start + headLength;
        exchange.route = routes.match(exchange.method, in, exchange.pathStart, exchange.pathEnd, scratch.params,
                scratch.allowed);
        BodyMode mode = exchange.route < routes.size() ? routes.body(exchange.route) : BodyMode.SKIP;
        if (mode == BodyMode.SKIP) { // GET's way, the common case: the route now, its body read past after
            stats.requested();
            startBody(connection, exchange);
            dispatch(exchange, false);
            exchange.headEnd = -1;
            in.position(start + headLength);
            return true;
        }
        boolean chunked = exchange.transferEncoding == HttpExchange.TE_CHUNKED;
        long length = Math.max(0, exchange.contentLength);
        boolean whole = mode == BodyMode.WHOLE && (chunked || length > 0);
        if (whole && !chunked && headLength + length <= inputCapacity) {
            if (in.limit() - start < headLength + length) {
                if (!exchange.waitingBody) { // counted, and 100 Continue said, once: the head is parsed again
                    exchange.waitingBody = true;
                    stats.requested();
                    sayContinue(connection, exchange, true);
                }
                connection.awaitBytes((int) (headLength + length));
                exchange.headEnd = -1;
                return false;
            }
            if (!exchange.waitingBody) {
                stats.requested();
            }
            exchange.waitingBody = false;
            exchange.bodyIn = in;
            exchange.bodyStart = start + headLength;
            exchange.bodyLength = (int) length;
            dispatch(exchange, false);
            exchange.bodyIn = null;
            exchange.headEnd = -1;
            in.position(start + headLength + (int) length);
            return true;
        }
        stats.requested();
        startBody(connection, exchange);
        if (whole) {
            gatherInto(exchange, in, start, headLength);
        } else {
            boolean pieces = mode == BodyMode.PIECES;
            boolean body = chunked || length > 0;
            exchange.bodyRoute = pieces && body ? routes.route(exchange.route) : null;
            if (pieces && !chunked && in.limit() - start - headLength >= length) { // all here: body() shows it
                exchange.bodyIn = in;
                exchange.bodyStart = start + headLength;
                exchange.bodyLength = (int) length;
            }
            dispatch(exchange, pieces && !body);
            exchange.bodyIn = null;
            exchange.headEnd = -1;
        }
        in.position(start + headLength);
        return true;
    }

    /**
     * A whole body larger than the input: the head is copied to a body buffer of the class its Content-Length
     * needs (a chunked body starts in a small one), and the body follows it there.
     */
    private void gatherInto(HttpExchange exchange, ByteBuffer in, int start, int headLength) {
        boolean chunked = exchange.transferEncoding == HttpExchange.TE_CHUNKED;
        int slot = bodies.claim(headLength + (chunked ? 1 : exchange.contentLength));
        if (slot < 0) {
            exchange.startNs = exchange.connection.nowNs();
            exchange.respond(HttpResponse.SERVICE_UNAVAILABLE); // and the body is read past
            exchange.headEnd = -1;
            return;
        }
        ByteBuffer buffer = bodies.buffer(slot);
        buffer.put(0, in, start, headLength);
        exchange.bodySlot = slot;
        exchange.gathered = 0;
        exchange.moveHead(buffer, start);
    }

    /** Sets up reading the body, and says "100 Continue" first when the client waits for it. */
    private static void startBody(Connection connection, HttpExchange exchange) {
        boolean chunked = exchange.transferEncoding == HttpExchange.TE_CHUNKED;
        exchange.bodyToSkip = Math.max(0, exchange.contentLength);
        if (chunked) {
            exchange.chunked.start();
        }
        sayContinue(connection, exchange, chunked || exchange.bodyToSkip > 0);
    }

    private static void sayContinue(Connection connection, HttpExchange exchange, boolean body) {
        // Never to HTTP/1.0, which has no 1xx answers: it must ignore the expectation (RFC 9110 10.1.1).
        if (exchange.expect == HttpExchange.EXPECT_CONTINUE && exchange.versionMinor >= 1 && body) {
            connection.write(HttpResponse.CONTINUE);
            exchange.stats.responded(100);
        }
    }

    /**
     * Calls the request's route, or answers 404 or 405 for it, and then, for a route taking its body in pieces
     * when there is none ({@code bodyEnds}), its end. A body buffer the body was gathered in goes back once the
     * call returns, unless the answer is still being sent from it.
     */
    void dispatch(HttpExchange exchange, boolean bodyEnds) {
        exchange.startNs = exchange.connection.nowNs(); // from the head parsed: this cycle's clock, no clock read
        Route route = routes.route(exchange.route);
        if (route == null) {
            int allowed = scratch.allowed[0];
            exchange.respond(allowed == 0 ? HttpResponse.NOT_FOUND : routes.notAllowed(allowed));
            return;
        }
        if (exchange.bodySlot >= 0) { // gathered over several calls: its parameters are found again where it lies now
            routes.match(exchange.method, exchange.input, exchange.pathStart, exchange.pathEnd, scratch.params,
                    scratch.allowed);
        }
        exchange.current = route;
        if (exchange.scratch.headersOf == exchange) {
            exchange.scratch.headersOf = null; // added for an earlier answer that did not send them: not this one's
        }
        route.onRequest(exchange);
        if (bodyEnds && (exchange.busyWith == null || exchange.busyWith == HttpAnswer.WRITING_LARGE)
                && exchange.connection.isOpen()) {
            route.onBodyEnd(exchange); // a route taking its body in pieces, with none: its end at once (not gone on)
        }
        answered(exchange);
        if (exchange.bodySlot >= 0 && exchange.busyWith != HttpExchange.WRITING_LARGE) {
            exchange.releaseBody();
        }
    }

    /** After a route's call: it answered, or it is still at it; anything else is a bug in the route. */
    static void answered(HttpExchange exchange) {
        if (!exchange.responded && exchange.busyWith == null && exchange.bodyRoute == null
                && exchange.connection != null && exchange.connection.isOpen()) {
            exchange.respond(HttpResponse.INTERNAL_SERVER_ERROR, exchange.keepAlive()); // not with its headers
        }
    }
}
