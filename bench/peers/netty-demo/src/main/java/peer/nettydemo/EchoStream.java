package peer.nettydemo;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * The streaming echo of {@code POST /test/echo} on one connection: the answer's head goes out as soon as the
 * request's head is in, then each piece of the body as the decoder hands it over, through Netty's
 * {@link io.netty.handler.codec.http.HttpResponseEncoder}. The pieces are the decoder's retained slices of the
 * read buffers, written as they are: no copy here (the encoder adds only chunk headers when chunked).
 *
 * <p>The answer carries the request's {@code Content-Length} when it has one, and is chunked when the request
 * was. A body declared over {@code maxBody} gets {@code 413} and the connection closes without reading it; a
 * chunked body that runs over it once its answer has started can only be cut short: the connection closes.
 *
 * <p>Not thread-safe: owned by the channel's event loop, through its {@link DemoHandler}.
 */
final class EchoStream {

    private static final CharSequence OCTET_STREAM = HttpHeaderValues.APPLICATION_OCTET_STREAM;

    private final long maxBody;
    private boolean active;
    private long received;
    private int connection;

    EchoStream(long maxBody) {
        this.maxBody = maxBody;
    }

    /** The current (or last) answer's {@link DemoHandler#CLOSE} and the like. */
    int connection() {
        return connection;
    }

    /** True between an accepted request's head and its last piece. */
    boolean active() {
        return active;
    }

    /**
     * Starts the answer to {@code req}; {@code raw} is the context that writes past the encoder. Returns false,
     * having written nothing, when the declared body is over the limit: the caller answers 413 and closes.
     */
    boolean begin(ChannelHandlerContext ctx, ChannelHandlerContext raw, HttpRequest req, int connection) {
        assert ctx.executor().inEventLoop() && !active;
        boolean chunked = HttpUtil.isTransferEncodingChunked(req);
        long length = chunked ? -1 : HttpUtil.getContentLength(req, 0L);
        if (length > maxBody) {
            return false;
        }
        if (HttpUtil.is100ContinueExpected(req)) {
            raw.write(RawAnswers.continueAnswer(), raw.voidPromise()); // past the encoder: not the final answer
        }
        HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        HttpHeaders headers = head.headers();
        String type = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
        headers.set(HttpHeaderNames.CONTENT_TYPE, type != null ? type : OCTET_STREAM);
        if (chunked) {
            headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
        } else {
            headers.set(HttpHeaderNames.CONTENT_LENGTH, length);
        }
        if (connection == DemoHandler.KEEP_ALIVE_10) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        } else if (connection == DemoHandler.CLOSE) {
            headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.write(head, ctx.voidPromise());
        active = true;
        received = 0;
        this.connection = connection;
        return true;
    }

    /**
     * Writes one piece of the body back (the caller keeps its own reference). Returns false when a chunked body
     * ran over the limit: the caller closes the connection, as the answer has started.
     */
    boolean piece(ChannelHandlerContext ctx, HttpContent content) {
        assert ctx.executor().inEventLoop() && active;
        received += content.content().readableBytes();
        if (received > maxBody) {
            active = false;
            return false;
        }
        if (content instanceof LastHttpContent) {
            active = false;
        }
        ctx.write(content.retain(), ctx.voidPromise());
        return true;
    }
}
