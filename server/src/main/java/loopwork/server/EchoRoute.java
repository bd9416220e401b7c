package loopwork.server;

import loopwork.http.ByteView;
import loopwork.http.HttpExchange;
import loopwork.http.HttpResponse;
import loopwork.http.Route;

/**
 * {@code POST /test/echo}: the body back, with the request's Content-Type, streamed as it comes. A body that has
 * come whole with its head (a small one, in the connection's input) is answered at once from where it lies; any
 * other begins its answer as the head arrives (with the request's Content-Length, or chunked when the request is)
 * and writes each piece back as it is read, taking from the input only what fit the output: the rest waits in the
 * input until the peer has read, and the peer's sending waits on its reading. Nothing is copied but into the
 * output, and nothing allocated.
 *
 * <p>The state of a request, in its exchange's note: {@link #WHOLE}, {@link #STREAMING}, {@link #ENDING}.
 *
 * <p>Thread-safe: stateless; its state is in each exchange.
 */
final class EchoRoute implements Route {

    private static final String OCTETS = "application/octet-stream";
    /** Answered at once (the whole body, or a 503): the pieces that follow are read past. */
    private static final long WHOLE = 0;
    /** The answer is begun: each piece goes back as it comes. */
    private static final long STREAMING = 1;
    /** The body is all back and its end (the last chunk) waits for room in the output. */
    private static final long ENDING = 2;

    @Override
    public void onRequest(HttpExchange exchange) {
        ByteView header = exchange.header("Content-Type");
        CharSequence type = header != null ? header : OCTETS;
        ByteView body = exchange.body();
        exchange.note(WHOLE);
        if (body.length() == exchange.contentLength()) { // here whole with its head: answered from where it lies
            exchange.respond(200, type, body);
        } else if (exchange.beginBody(200, type, exchange.contentLength())) {
            exchange.note(STREAMING);
        } else { // a long Content-Type behind answers the peer has not read yet: the head does not fit now
            exchange.respond(HttpResponse.SERVICE_UNAVAILABLE);
        }
    }

    @Override
    public int onBodyPiece(HttpExchange exchange, ByteView piece) {
        return exchange.note() == STREAMING ? exchange.writeBodyPart(piece) : piece.length();
    }

    @Override
    public void onBodyEnd(HttpExchange exchange) {
        if (exchange.note() == STREAMING) {
            exchange.note(ENDING);
            onWritable(exchange);
        }
    }

    @Override
    public void onWritable(HttpExchange exchange) {
        if (exchange.note() == ENDING && exchange.endBody()) {
            exchange.note(WHOLE);
        }
    }
}
