package loopwork.http;

import java.nio.ByteBuffer;

/**
 * Reads a request's body as it arrives, in the way its route asked ({@link BodyMode}): read past, shown to the
 * route a piece at a time, or gathered whole into a body buffer (with a copy of the head, so that the
 * route's views of it hold) and then handed to the route. The chunked framing is checked whichever it is.
 *
 * <p>Not thread-safe: owned by its handler's thread.
 */
final class BodyReader {

    static final int MORE = 0;
    static final int DONE = 1;
    /** The body was bad: the connection closes once what is queued has gone. */
    static final int FAILED = -1;

    private final RequestDispatch requests;
    private final long maxBody;

    BodyReader(RequestDispatch requests, long maxBody) {
        this.requests = requests;
        this.maxBody = maxBody;
    }

    /** Reads what came of the current request's body: {@link #DONE}, {@link #MORE} to come, or {@link #FAILED}. */
    int read(HttpExchange exchange, ByteBuffer in) {
        if (exchange.bodySlot >= 0 && exchange.bodyIn == null) {
            return gather(exchange, in);
        }
        if (exchange.bodyRoute != null) {
            return pieces(exchange, in);
        }
        if (exchange.bodyToSkip > 0) {
            int skip = (int) Math.min(in.remaining(), exchange.bodyToSkip);
            in.position(in.position() + skip);
            exchange.bodyToSkip -= skip;
            return exchange.bodyToSkip == 0 ? DONE : MORE;
        }
        if (exchange.chunked.isActive()) {
            int result = exchange.chunked.skip(in, maxBody);
            return result < 0 ? badBody(exchange, result) : result == ChunkedBody.DONE ? DONE : MORE;
        }
        return DONE;
    }

    /** Copies what came into the body buffer; once the body is whole, the route is called with it. */
    private int gather(HttpExchange exchange, ByteBuffer into) {
        ByteBuffer buffer = exchange.bodies.buffer(exchange.bodySlot);
        int at = exchange.headEnd; // the head lies first in the body buffer
        if (exchange.bodyToSkip > 0) {
            int n = (int) Math.min(into.remaining(), exchange.bodyToSkip);
            buffer.put(at + (int) exchange.gathered, into, into.position(), n);
            into.position(into.position() + n);
            exchange.gathered += n;
            exchange.bodyToSkip -= n;
            if (exchange.bodyToSkip > 0) {
                return MORE;
            }
        } else {
            int result;
            while ((result = exchange.chunked.next(into, maxBody)) == ChunkedBody.DATA_READY) {
                int n = exchange.chunked.available(into);
                if (at + exchange.gathered + n > exchange.bodies.bytes(exchange.bodySlot)) {
                    if (!grow(exchange, at)) {
                        return read(exchange, into); // refused: the rest of the body is read past
                    }
                    buffer = exchange.bodies.buffer(exchange.bodySlot);
                }
                buffer.put(at + (int) exchange.gathered, into, into.position(), n);
                exchange.chunked.consume(into, n);
                exchange.gathered += n;
            }
            if (result < 0) {
                return badBody(exchange, result);
            }
            if (result == ChunkedBody.MORE) {
                return MORE;
            }
        }
        exchange.bodyIn = buffer;
        exchange.bodyStart = at;
        exchange.bodyLength = (int) exchange.gathered;
        requests.dispatch(exchange, false); // the body buffer goes back once the answer is out
        return DONE;
    }

    /**
     * A chunked body outgrew its small buffer: it moves, head and all, to a large one (one copy). With none free
     * the request gets 503 with {@code Retry-After}, as one whose Content-Length found none; false then.
     */
    private static boolean grow(HttpExchange exchange, int headEnd) {
        int slot = exchange.bodies.grow(exchange.bodySlot, headEnd + (int) exchange.gathered);
        if (slot >= 0) {
            exchange.bodySlot = slot;
            exchange.moveHead(exchange.bodies.buffer(slot), 0); // at the same offsets, in another buffer
            return true;
        }
        exchange.startNs = exchange.connection.nowNs();
        exchange.respond(HttpResponse.SERVICE_UNAVAILABLE, exchange.keepAlive());
        exchange.releaseBody();
        exchange.headEnd = -1;
        return false;
    }

    /**
     * Shows the route what came of the body, the rest again as long as it takes some (the output may take more
     * than one piece of it), until all is taken or it takes none: then the rest waits for the output to drain.
     * Then the body's end.
     */
    private int pieces(HttpExchange exchange, ByteBuffer in) {
        Route route = exchange.bodyRoute;
        ByteView piece = exchange.scratch.piece;
        exchange.pieceHeld = false;
        if (exchange.bodyToSkip > 0) {
            int n;
            while ((n = (int) Math.min(in.remaining(), exchange.bodyToSkip)) > 0 && !exchange.pieceHeld) {
                int took = take(exchange, route, piece.set(in, in.position(), in.position() + n));
                in.position(in.position() + took);
                exchange.bodyToSkip -= took;
                exchange.pieceHeld = took == 0 || !exchange.connection.isOpen();
            }
            if (exchange.bodyToSkip > 0) {
                return MORE; // all taken and more to come, or some held: shown again once the output drains
            }
        } else if (exchange.chunked.isActive()) {
            int result;
            while ((result = exchange.chunked.next(in, maxBody)) == ChunkedBody.DATA_READY) {
                int n = exchange.chunked.available(in);
                int took = take(exchange, route, piece.set(in, in.position(), in.position() + n));
                exchange.chunked.consume(in, took);
                if (took == 0 || !exchange.connection.isOpen()) {
                    exchange.pieceHeld = true;
                    return MORE;
                }
            }
            if (result < 0) {
                return badBody(exchange, result);
            }
            if (result == ChunkedBody.MORE) {
                return MORE;
            }
        }
        exchange.bodyRoute = null;
        route.onBodyEnd(exchange);
        RequestDispatch.answered(exchange);
        return DONE;
    }

    private static int take(HttpExchange exchange, Route route, ByteView piece) {
        int took = route.onBodyPiece(exchange, piece);
        if (took < 0 || took > piece.length()) {
            throw new IllegalStateException("onBodyPiece took " + took + " of " + piece.length() + " bytes");
        }
        return took;
    }

    /**
     * A body whose framing is bad or which runs over the limit: where the next request starts is unknown, so
     * the connection closes. A request gets one answer: a route that has answered already (as the head arrived,
     * or during its pieces), gets the close with no second one, which a client that pipelines would take for the
     * answer to its next request. Only a request not answered yet gets the error as its answer.
     */
    private static int badBody(HttpExchange exchange, int result) {
        exchange.chunked.reset();
        exchange.bodyRoute = null;
        if (exchange.responded) {
            exchange.stats.bodyFailed();
            exchange.connection.closeAfterWrite(); // the answer already queued still goes out first
        } else {
            exchange.respond(HttpResponse.error(result), false); // and close: where the next request starts is unknown
        }
        return BodyReader.FAILED;
    }
}
