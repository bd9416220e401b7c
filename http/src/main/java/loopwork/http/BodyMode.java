package loopwork.http;

/**
 * How a route takes a request's body, chosen when it is registered ({@link RouteTable#add}).
 *
 * <p>Thread-safe: immutable.
 */
public enum BodyMode {
    /**
     * The route is called as the head arrives and the body is read past after (its bytes left unread for a
     * {@link BlockingRoute}, which may read them with {@link HttpExchange#bodyStream}): GET's way.
     */
    SKIP,
    /**
     * The route is called once the whole body is in ({@link HttpExchange#body()}), up to the limit
     * (--max-body; over it, 413). A body that does not fit the connection's input buffer with its head is
     * gathered into one of the loop's body buffers: 503 with {@code Retry-After} when none is free.
     */
    WHOLE,
    /**
     * The route is called as the head arrives, then given the body a piece at a time, chunked framing
     * removed ({@link Route#onBodyPiece}, then {@link Route#onBodyEnd}): for bodies of any size up to the limit,
     * each piece where it lies in the connection's input. The route may answer as the head arrives, a body it
     * writes in pieces included, and the body is read on meanwhile. A body that has come whole with its head is
     * also {@link HttpRequest#body()} as the head arrives, for a route to answer it at once if it likes.
     */
    PIECES
}
