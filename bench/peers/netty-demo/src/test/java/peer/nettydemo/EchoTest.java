package peer.nettydemo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * POST /test/echo of the peer, on its real pipeline in an {@link EmbeddedChannel}: the answers are read back
 * with Netty's response decoder and compared byte for byte with what was sent.
 */
class EchoTest {

    private static final int MAX_BODY = 1 << 20;

    private final EmbeddedChannel server = new EmbeddedChannel();
    private final EmbeddedChannel client = new EmbeddedChannel(new HttpResponseDecoder(),
            new HttpObjectAggregator(4 * MAX_BODY));

    EchoTest() {
        DemoHandler.install(server.pipeline(), null, 0, MAX_BODY);
    }

    @AfterEach
    void close() {
        server.finishAndReleaseAll();
        client.finishAndReleaseAll();
    }

    @Test
    void a64KiBBodyComesBackByteForByteAndStreams() {
        byte[] body = bytes(64 * 1024, 1);
        send("POST /test/echo HTTP/1.1\r\nHost: t\r\nContent-Type: image/x-test\r\nContent-Length: 65536\r\n\r\n");
        send(body, 0, 1000);
        // The head and the first piece are out before the rest of the body has come.
        assertTrue(forward() > 1000, "answer started before the body ended");
        send(body, 1000, 40_000);
        send(body, 41_000, body.length - 41_000);
        forward();
        FullHttpResponse r = answers(1).get(0);
        try {
            assertEquals(200, r.status().code());
            assertEquals("65536", r.headers().get(HttpHeaderNames.CONTENT_LENGTH));
            assertEquals("image/x-test", r.headers().get(HttpHeaderNames.CONTENT_TYPE));
            assertArrayEquals(body, ByteBufUtil.getBytes(r.content()));
        } finally {
            r.release();
        }
        assertTrue(server.isOpen(), "keep-alive");
    }

    @Test
    void aChunkedUploadComesBackChunked() {
        byte[] body = bytes(64 * 1024 + 17, 2);
        send("POST /test/echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int at = 0, size = 1; at < body.length; at += size, size = Math.min(size * 3, body.length - at)) {
            size = Math.min(size, body.length - at);
            send(Integer.toHexString(size) + "\r\n");
            send(body, at, size);
            send("\r\n");
        }
        send("0\r\n\r\n");
        forward();
        FullHttpResponse r = answers(1).get(0);
        try {
            assertEquals(200, r.status().code());
            assertEquals("application/octet-stream", r.headers().get(HttpHeaderNames.CONTENT_TYPE));
            assertArrayEquals(body, ByteBufUtil.getBytes(r.content()));
        } finally {
            r.release();
        }
    }

    @Test
    void oneMegabyteIsEchoedOneByteMoreGets413AndTheConnectionCloses() {
        byte[] body = bytes(MAX_BODY, 3);
        send("POST /test/echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + MAX_BODY + "\r\n\r\n");
        send(body, 0, body.length);
        forward();
        FullHttpResponse r = answers(1).get(0);
        try {
            assertArrayEquals(body, ByteBufUtil.getBytes(r.content()));
        } finally {
            r.release();
        }
        send("POST /test/echo HTTP/1.1\r\nHost: t\r\nContent-Length: " + (MAX_BODY + 1) + "\r\n\r\nabc");
        forward();
        r = answers(1).get(0);
        assertEquals(413, r.status().code());
        assertEquals("close", r.headers().get(HttpHeaderNames.CONNECTION));
        r.release();
        assertFalse(server.isOpen());
    }

    @Test
    void aChunkedBodyOverTheLimitCutsTheAnswerShort() {
        send("POST /test/echo HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n");
        byte[] piece = bytes(700_000, 4);
        send(Integer.toHexString(piece.length) + "\r\n");
        send(piece, 0, piece.length);
        send("\r\n" + Integer.toHexString(piece.length) + "\r\n");
        assertTrue(server.isOpen());
        send(piece, 0, piece.length);
        assertFalse(server.isOpen(), "the answer had started: closing is all that is left");
    }

    @Test
    void expectContinueGets100First() {
        send("POST /test/echo HTTP/1.1\r\nHost: t\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
        forward();
        send("abc");
        forward();
        List<FullHttpResponse> r = answers(2);
        assertEquals(100, r.get(0).status().code());
        assertEquals(200, r.get(1).status().code());
        assertEquals("abc", r.get(1).content().toString(StandardCharsets.US_ASCII));
        r.forEach(FullHttpResponse::release);
    }

    @Test
    void pipelinedEchoesAndFastAnswersKeepTheirOrder() {
        send("POST /test/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\nab"
                + "GET /test/fast HTTP/1.1\r\nHost: t\r\n\r\n"
                + "POST /test/echo HTTP/1.1\r\nHost: t\r\n\r\n"
                + "POST /test/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nxyz"
                + "GET /test/echo HTTP/1.1\r\nHost: t\r\n\r\n");
        forward();
        List<FullHttpResponse> r = answers(5);
        String[] bodies = {"ab", "", "", "xyz", ""};
        int[] codes = {200, 200, 200, 200, 404};
        for (int i = 0; i < r.size(); i++) {
            assertEquals(codes[i], r.get(i).status().code(), "answer " + i);
            assertEquals(bodies[i], r.get(i).content().toString(StandardCharsets.US_ASCII), "answer " + i);
            r.get(i).release();
        }
        assertTrue(server.isOpen());
    }

    private void send(String text) {
        server.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.US_ASCII));
    }

    private void send(byte[] bytes, int from, int length) {
        server.writeInbound(Unpooled.copiedBuffer(bytes, from, length));
    }

    /** Moves what the server wrote to the client's decoder; returns the bytes moved. */
    private int forward() {
        int moved = 0;
        for (ByteBuf b; (b = server.readOutbound()) != null; ) {
            moved += b.readableBytes();
            client.writeInbound(b);
        }
        return moved;
    }

    private List<FullHttpResponse> answers(int count) {
        List<FullHttpResponse> out = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            FullHttpResponse r = client.readInbound();
            assertNotNull(r, "answer " + i + " of " + count);
            out.add(r);
        }
        assertNull(client.readInbound(), "no more answers than " + count);
        return out;
    }

    private static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }
}
