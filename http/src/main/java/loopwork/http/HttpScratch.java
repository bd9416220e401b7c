package loopwork.http;

import java.nio.ByteBuffer;

/**
 * What a handler lends the exchange it is serving for the length of a call: the views its accessors return,
 * the bounds of the matched route's path parameters, and the buffer an answer's head is assembled in. One per
 * handler, so that a connection costs none of it; valid only during the call, since the next connection's
 * call re-points it.
 *
 * <p>Not thread-safe: owned by its handler's thread.
 */
final class HttpScratch {

    /** The longest answer head a route may build: status line, fixed headers, its own headers. */
    static final int MAX_HEAD = 1024;

    final ByteView method = new ByteView();
    final ByteView path = new ByteView();
    final ByteView query = new ByteView();
    final ByteView header = new ByteView();
    final ByteView param = new ByteView();
    final ByteView body = new ByteView();
    final ByteView piece = new ByteView();
    final int[] params = new int[2 * PathPattern.MAX_PARAMS];
    /** The methods a path allows when none matched its request's: the 405's {@code Allow}. */
    final int[] allowed = new int[1];
    /** An answer's head while it is built: written to the output before the call returns. */
    final ByteBuffer head = ByteBuffer.allocate(MAX_HEAD);
    /** Headers a route set for the answer it is about to give: name, ": ", value, CRLF each. */
    final ByteBuffer headers = ByteBuffer.allocate(MAX_HEAD / 2);
    /** The exchange whose answer {@link #headers} belong to; null when none were set. */
    HttpAnswer headersOf;
    /** The size of a connection's output buffer: a write larger can never fit. */
    final int outputCapacity;

    HttpScratch(int outputCapacity) {
        this.outputCapacity = outputCapacity;
    }
}
