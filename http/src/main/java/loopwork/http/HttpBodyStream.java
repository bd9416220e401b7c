package loopwork.http;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

import loopwork.core.BlockingConnection;

/**
 * A request's body as a blocking route reads it on a worker: bytes taken from the connection's input as they
 * arrive (blocking for more), chunked framing removed, ending at the body's end; a peer that closes before
 * gives {@link EOFException}. What it takes, the exchange no longer has to read past when the route returns.
 * One per exchange, made on its first use and reused.
 *
 * <p>Not thread-safe: owned by the worker serving the hand-off.
 */
final class HttpBodyStream extends InputStream {

    private final HttpExchange exchange;
    private BlockingConnection connection;

    HttpBodyStream(HttpExchange exchange) {
        this.exchange = exchange;
    }

    InputStream open(BlockingConnection blocking) {
        connection = blocking;
        return this;
    }

    @Override
    public int read() throws IOException {
        byte[] one = exchange.scratch.head.array(); // the worker's scratch: no answer is being built during a read
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] into, int offset, int length) throws IOException {
        java.util.Objects.checkFromIndexSize(offset, length, into.length);
        if (length == 0) {
            return 0;
        }
        while (true) {
            ByteBuffer in = connection.input();
            if (exchange.bodyToSkip > 0) {
                int n = (int) Math.min(Math.min(length, in.remaining()), exchange.bodyToSkip);
                if (n > 0) {
                    in.get(into, offset, n);
                    exchange.bodyToSkip -= n;
                    return n;
                }
            } else if (exchange.chunked.isActive()) {
                int result = exchange.chunked.next(in, exchange.limits.maxBodyBytes());
                if (result == ChunkedBody.DATA_READY) {
                    int n = Math.min(length, exchange.chunked.available(in));
                    in.get(in.position(), into, offset, n);
                    exchange.chunked.consume(in, n);
                    return n;
                }
                if (result < 0) {
                    exchange.chunked.reset();
                    exchange.closeRequested = true; // where the next request starts is unknown
                    throw new IOException("bad chunked body: " + -result);
                }
                if (result == ChunkedBody.DONE) {
                    return -1;
                }
            } else {
                return -1;
            }
            if (connection.read() < 0) {
                throw new EOFException("the peer closed before the body's end");
            }
        }
    }
}
