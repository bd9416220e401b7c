package peer.nettydemo;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

import java.nio.charset.StandardCharsets;

/**
 * The pre-encoded answers, written as raw bytes past the response encoder: every answer but the echo's 200.
 * Each is a constant direct buffer, so the native transport writes it without a copy, and unreleasable, so its
 * duplicates can be written (and "released" by the transport) any number of times. Immutable: any thread.
 */
final class RawAnswers {

    static final int OK = 0;
    static final int NOT_FOUND = 1;
    static final int BAD_REQUEST = 2;
    static final int TOO_LARGE = 3;

    /** ANSWERS[status][connection]: connection is {@link DemoHandler#KEEP_ALIVE} and the like. */
    private static final ByteBuf[][] ANSWERS = {
            answers("200 OK"),
            answers("404 Not Found"),
            answers("400 Bad Request"),
            answers("413 Content Too Large"),
    };
    private static final ByteBuf CONTINUE = constant("HTTP/1.1 100 Continue\r\n\r\n");

    private RawAnswers() {
    }

    /** A fresh duplicate, to be written once. */
    static ByteBuf answer(int status, int connection) {
        return ANSWERS[status][connection].duplicate();
    }

    /** The interim answer to {@code Expect: 100-continue}: a fresh duplicate. */
    static ByteBuf continueAnswer() {
        return CONTINUE.duplicate();
    }

    private static ByteBuf[] answers(String status) {
        String head = "HTTP/1.1 " + status + "\r\nContent-Length: 0\r\n";
        return new ByteBuf[] {
                constant(head + "\r\n"),
                constant(head + "Connection: keep-alive\r\n\r\n"),
                constant(head + "Connection: close\r\n\r\n"),
        };
    }

    private static ByteBuf constant(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.US_ASCII);
        return Unpooled.unreleasableBuffer(Unpooled.directBuffer(bytes.length).writeBytes(bytes));
    }
}
