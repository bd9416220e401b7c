package loopwork.http;

import java.nio.ByteBuffer;

import loopwork.core.Connection;

/**
 * The ways an {@link HttpExchange} answers its request on a loop: a pre-encoded {@link HttpResponse}, or an answer
 * built now (a status, headers set by name and checked, a body from bytes, a view or a buffer, of any size), or a
 * body written in pieces ({@link #beginBody}). What does not fit the output at once is sent as the peer reads,
 * each byte copied once; a HEAD request gets the head alone, with the length the GET would have.
 *
 * <p>Not thread-safe: owned by the thread serving its connection, as its exchange is.
 */
public abstract sealed class HttpAnswer extends HttpRequest permits HttpExchange {

    /** Answers up to this size are written at once; larger pre-encoded ones in pieces, as the peer reads. */
    static final int WRITE_CHUNK = 256;
    /** {@link #busyWith} while an answer is still being sent. */
    static final Route WRITING_LARGE = exchange -> {
        throw new IllegalStateException("not a route");
    };

    /** The counters, Date line and body buffers of the thread serving the connection now; switched when it moves. */
    HttpStats stats;
    HttpDate date;
    BodyBuffers bodies;
    HttpLimits limits;
    Connection connection;
    /** The buffer onData shows during its call, null outside: a body lying there must be copied to be held. */
    ByteBuffer shown;

    boolean responded;
    /** The route still answering the current request (a task, a hand-off, a move, a timer); null when none. */
    Route busyWith;
    /**
     * When the request's head was parsed, by the loop's clock as read once per cycle ({@link Connection#nowNs()}),
     * not by a clock read of its own: one costs 2% of a keep-alive load where the clock is slow to read.
     */
    long startNs;
    final PendingAnswer pending = new PendingAnswer();
    /** The body of an answer the route writes in pieces, when it is. */
    private final StreamedBody stream = new StreamedBody();

    HttpAnswer(HttpStats stats) {
        this.stats = stats;
    }

    public Connection connection() {
        return connection;
    }

    /**
     * Whether the connection stays open after this answer: as the request asked, unless the server drains and
     * no other request has arrived behind this one.
     */
    public abstract boolean keepAlive();

    void streamEnded() {
        stream.clear();
    }

    /** The message of a failed ownership assert: built only then. */
    String notServing(String what) {
        return "HttpExchange." + what + " called on " + Thread.currentThread().getName() + ", which does not serve"
                + " connection " + connection.id() + " now";
    }

    /**
     * Adds a header line to the answer the route gives in this call.
     *
     * @throws IllegalArgumentException if {@code name} is not a token or {@code value} holds CR, LF, NUL or
     *         another control but tab: nothing is sent
     */
    public HttpAnswer addHeader(CharSequence name, CharSequence value) {
        assert connection.inServingThread() : notServing("addHeader");
        if (scratch.headersOf != this) {
            scratch.headersOf = this;
            scratch.headers.clear();
        }
        AnswerHead.add(scratch.headers, name, value);
        return this;
    }

    /** Answers with a pre-encoded response; closes the connection after it unless it is kept alive. */
    public void respond(HttpResponse response) {
        respond(response, keepAlive());
    }

    /** Answers with a response built now (this allocates: for operations endpoints, not hot paths). */
    public void respond(int status, String reason, String contentType, byte[] body) {
        respond(new HttpResponse(status, reason, "", contentType, body));
    }

    /** Answers {@code status} with no body. */
    public void respond(int status) {
        answer(status, null, null, null, 0, 0);
    }

    /** Answers with {@code body}, which must not change until the answer is sent (the route's call, usually). */
    public void respond(int status, CharSequence contentType, byte[] body) {
        answer(status, contentType, null, body, 0, body.length);
    }

    /** Answers with the bytes of a view: a part of the request (its body, say), or a region of the route's. */
    public void respond(int status, CharSequence contentType, ByteView body) {
        answer(status, contentType, body.buffer(), null, body.offset(), body.length());
    }

    /**
     * Answers with {@code length} bytes of {@code body} from {@code offset}, of any size: what does not fit the
     * output now is sent as the peer reads, copied once, so its bytes must not change until the next request
     * is routed (a read-only buffer shared by every connection, say).
     */
    public void respond(int status, CharSequence contentType, ByteBuffer body, int offset, int length) {
        answer(status, contentType, body, null, offset, length);
    }

    void respond(HttpResponse response, boolean keepAlive) {
        assert connection.inServingThread() : notServing("respond");
        answering(response.status());
        busyWith = null;
        int form = form(keepAlive);
        byte[] head = response.head(form);
        byte[] dateLine = date.line(connection.nowMs());
        int tailLength = response.tailLength(isHead());
        if (head.length + HttpDate.LENGTH + tailLength <= WRITE_CHUNK) {
            // Room for WRITE_CHUNK bytes was checked before the request was taken: these cannot fail.
            if (!connection.write(head) || !connection.write(dateLine) || !connection.write(response.tail(), 0, tailLength)) {
                stats.overflowed();
                connection.close();
            } else if (!keepAlive) {
                connection.closeAfterWrite();
            }
            return;
        }
        // Larger than what the output buffer guarantees: send it in pieces as the peer reads.
        byte[] all = response.joined(form, dateLine, isHead());
        pending.array(all, 0, all.length);
        finishLater(keepAlive);
    }

    private void answer(int status, CharSequence type, ByteBuffer buffer, byte[] array, int offset, int length) {
        assert connection.inServingThread() : notServing("respond");
        if (buffer != null) {
            java.util.Objects.checkFromIndexSize(offset, length, buffer.limit());
        }
        boolean keepAlive = keepAlive();
        ByteBuffer head = scratch.head;
        encodeHead(status, type, length, keepAlive);
        answering(status);
        busyWith = null;
        int body = isHead() ? 0 : length;
        int headLength = head.position();
        if (fits(headLength + body)) {
            connection.write(head, 0, headLength);
            if (body > 0 && !(array != null ? connection.write(array, offset, body) : connection.write(buffer, offset, body))) {
                throw new IllegalStateException("room was checked"); // not reached
            }
            if (!keepAlive) {
                connection.closeAfterWrite();
            }
            return;
        }
        // Not all at once: the head (and a body lying where it may move) copied to a body buffer, unless it fits.
        boolean holdable = body == 0 || array != null || buffer != shown;
        if (holdable && fits(headLength)) {
            connection.write(head, 0, headLength);
        } else {
            int copy = headLength + (holdable ? 0 : body);
            int slot = bodies.claim(copy);
            if (slot < 0) {
                stats.overflowed(); // no body buffer free to hold it: the connection cannot be answered in order
                connection.close();
                return;
            }
            ByteBuffer copyTo = bodies.buffer(slot).clear();
            copyTo.put(0, head, 0, headLength);
            if (!holdable) {
                copyTo.put(headLength, buffer, offset, body);
            }
            pending.copied(bodies, slot, copy);
        }
        if (holdable && body > 0) {
            if (array != null) {
                pending.array(array, offset, body);
            } else {
                pending.region(buffer, offset, body);
            }
        }
        finishLater(keepAlive);
    }

    /** Whether {@code length} bytes fit the output now (never when they are more than it holds). */
    private boolean fits(int length) {
        return length <= scratch.outputCapacity && connection.canWrite(length);
    }

    void encodeHead(int status, CharSequence type, long length, boolean keepAlive) {
        ByteBuffer headers = scratch.headers;
        if (scratch.headersOf != this) {
            headers.clear(); // set for another exchange's answer, which was never given
        }
        scratch.headersOf = null;
        AnswerHead.encode(scratch.head, status, type, length, form(keepAlive), date.line(connection.nowMs()), headers);
        headers.clear();
    }

    /** The answer goes out as the peer reads: nothing after it is answered before. */
    private void finishLater(boolean keepAlive) {
        pending.keepAlive = keepAlive;
        busyWith = WRITING_LARGE;
        continueLarge();
    }

    /** Sends more of an answer; true when it is all out and the exchange is free again. */
    boolean continueLarge() {
        if (!pending.proceed(connection)) {
            return false; // onSent or onWritable comes when the peer has read
        }
        busyWith = null;
        if (!pending.keepAlive) {
            connection.closeAfterWrite();
        }
        return true;
    }

    /**
     * Starts an answer whose body the route writes in pieces ({@link #writeBody}, {@link #writeBodyPart}, then
     * {@link #endBody}): {@code length} bytes, or chunked when it is -1 (HTTP/1.1; an HTTP/1.0 client's
     * connection closes after it). The head must fit the output now ({@link Connection#canWrite}). A route taking
     * its request's body in pieces may begin as the head arrives and write each piece back as it comes.
     *
     * @return false, with nothing sent, when the head does not fit the output now
     */
    public boolean beginBody(int status, CharSequence contentType, long length) {
        assert connection.inServingThread() : notServing("beginBody");
        boolean chunked = length < 0;
        boolean keepAlive = keepAlive() && !(chunked && versionMinor == 0);
        encodeHead(status, contentType, chunked && versionMinor == 0 ? -2 : length, keepAlive);
        if (!fits(scratch.head.position())) {
            return false;
        }
        connection.write(scratch.head, 0, scratch.head.position());
        answering(status);
        busyWith = WRITING_LARGE;
        pending.keepAlive = keepAlive;
        stream.begin(isHead() ? 0 : !chunked ? length : versionMinor > 0 ? StreamedBody.CHUNKED : StreamedBody.UNTIL_CLOSE);
        return true;
    }

    /**
     * Writes a piece of a body begun with {@link #beginBody} (as a chunk, if chunked), copying it into the output.
     *
     * @return false, with nothing written, when the output has no room for it now: {@link Route#onWritable}
     *         follows when it has
     * @throws IllegalArgumentException if the piece could never fit the output buffer ({@link #writeBodyPart}
     *         takes a piece of any size)
     */
    public boolean writeBody(ByteBuffer src, int offset, int length) {
        return written(src, offset, length, false) == length;
    }

    /** As {@link #writeBody(ByteBuffer, int, int)}, the bytes of a view. */
    public boolean writeBody(ByteView piece) {
        return writeBody(piece.buffer(), piece.offset(), piece.length());
    }

    /**
     * Writes as much of {@code piece} as the output takes now, up to one output buffer's worth (as a chunk, if
     * chunked), and returns how many bytes that was, from its start: what a route streaming its request's body
     * back returns from {@link Route#onBodyPiece}, so that the rest is shown again once the output has drained.
     *
     * @return the bytes written; 0 when the output has no room now ({@link Route#onWritable} follows when it has)
     */
    public int writeBodyPart(ByteView piece) {
        return written(piece.buffer(), piece.offset(), piece.length(), true);
    }

    private int written(ByteBuffer src, int offset, int length, boolean part) {
        assert connection.inServingThread() : notServing("writeBody");
        stream.checkBegun();
        return isHead() ? length : stream.write(connection, scratch.head, scratch.outputCapacity, src, offset, length, part);
    }

    /**
     * Ends a body begun with {@link #beginBody}: the last chunk, if chunked.
     *
     * @return false when the output has no room for the last chunk now: call again from {@link Route#onWritable}
     */
    public boolean endBody() {
        assert connection.inServingThread() : notServing("endBody");
        if (!stream.end(connection)) {
            return false;
        }
        busyWith = null;
        if (!pending.keepAlive) {
            connection.closeAfterWrite();
        }
        return true;
    }

    /** Whether a streamed answer is being written: the handler passes onWritable on to its route. */
    boolean streaming() {
        return stream.active();
    }

    /** Each request gets one answer: counted here, refused twice. */
    void answering(int status) {
        if (responded) {
            throw new IllegalStateException("request already answered");
        }
        responded = true;
        stats.responded(status);
        if (route >= 0) { // a routed request (an error before routing, a 400 say, has no duration)
            stats.answered(route, connection.nowNs() - startNs);
            route = -1;
        }
    }

    int form(boolean keepAlive) {
        return !keepAlive ? HttpResponse.CLOSE : versionMinor == 0 ? HttpResponse.KEEP_ALIVE_10 : HttpResponse.KEEP_ALIVE;
    }
}
