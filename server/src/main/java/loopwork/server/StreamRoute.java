package loopwork.server;

import loopwork.core.BlockingConnection;
import loopwork.http.BlockingRoute;
import loopwork.http.HttpExchange;
import loopwork.http.HttpResponse;

/**
 * {@code /test/stream?bytes=N}: N bytes of body written with blocking writes by a worker, where blocking
 * is the natural fit: a slow reader just makes the writes wait, with no buffering and no state machine.
 *
 * <p>Thread-safe: immutable.
 */
final class StreamRoute implements BlockingRoute {

    /** At most 1 GiB per request. */
    static final long MAX_BYTES = 1L << 30;
    private static final HttpResponse.Head HEAD = new HttpResponse.Head(200, "OK",
            "Content-Type: application/octet-stream\r\n");
    private static final byte[] PATTERN = new byte[8192];

    static {
        for (int i = 0; i < PATTERN.length; i++) {
            PATTERN[i] = (byte) ('a' + i % 26);
        }
    }

    @Override
    public String path() {
        return "/test/stream";
    }

    @Override
    public void onRequest(HttpExchange exchange) {
        long bytes = exchange.queryNumber("bytes");
        if (bytes < 0 || bytes > MAX_BYTES) {
            exchange.respond(HttpResponse.BAD_REQUEST);
            return;
        }
        exchange.note(bytes);
        if (!exchange.handOff(this)) {
            exchange.respond(HttpResponse.SERVICE_UNAVAILABLE);
        }
    }

    @Override
    public void serve(HttpExchange exchange, BlockingConnection connection) throws Exception {
        long left = exchange.note();
        exchange.respondHead(connection, HEAD, left);
        if (exchange.isHead()) {
            return;
        }
        long offset = 0;
        while (left > 0) {
            int chunk = (int) Math.min(left, PATTERN.length - offset % 26);
            connection.write(PATTERN, (int) (offset % 26), chunk);
            offset += chunk;
            left -= chunk;
        }
    }
}
