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
    static final Route WRITING_LARGE = exchange -> { throw new IllegalStateException("not a route"); };

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
    /** When the head was parsed, by the loop's clock of this cycle: a clock read of its own costs 2% of a load. */
    long startNs;
    final PendingAnswer pending = new PendingAnswer();

    HttpAnswer(HttpStats stats) {
        this.stats = stats;
    }

    /** {@return the kit's connection under this exchange, for its clock or id: answer through the exchange} */
    public Connection connection() {
        return connection;
    }

    /** {@return whether the connection stays open after this answer: as asked, unless draining with none behind} */
    public abstract boolean keepAlive();

    /** The message of a failed ownership assert: built only then. */
    String notServing(String what) {
        return "HttpExchange." + what + " called on " + Thread.currentThread().getName() + ", which does not serve"
                + " connection " + connection.id() + " now";
    }

    /**
     * Adds a header line (up to 512 bytes of them) to the answer given next in this call on the loop: any {@code
     * respond} (after a pre-encoded one's own headers), or {@link #beginBody}; never to a later request's.
     *
     * @param name  the header's name, a token ({@code Cache-Control}); not one the kit writes (Server, Date,
     *              Content-Type, Content-Length, Transfer-Encoding, Connection)
     * @param value its value, copied now: ISO-8859-1 characters, tab allowed
     * @return this exchange, for the answer's call to follow
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

    /**
     * Answers with a pre-encoded response, its own headers followed by those set by {@link #addHeader}; closes the
     * connection after it unless it is kept alive.
     *
     * @param response the answer, usually a constant
     */
    public void respond(HttpResponse response) {
        respond(response, keepAlive(), true);
    }

    /**
     * Answers with a response encoded now, as {@link HttpResponse} is (and checked as it is, throwing
     * IllegalArgumentException with nothing sent): allocates, for operations endpoints.
     *
     * @param status      the status code
     * @param reason      its reason phrase
     * @param contentType the Content-Type, or "" for none
     * @param body        the body, copied
     */
    public void respond(int status, String reason, String contentType, byte[] body) {
        respond(new HttpResponse(status, reason, "", contentType, body));
    }

    /**
     * Answers {@code status} with no body (Content-Length 0; none on 1xx, 204, 304), headers of {@link #addHeader}.
     *
     * @param status the status code, 100..599 (else {@link IllegalArgumentException}, with nothing sent)
     */
    public void respond(int status) {
        answer(status, null, null, null, 0, 0);
    }

    /**
     * Answers with {@code body} and the headers set by {@link #addHeader}; of any size (see
     * {@link #respond(int, CharSequence, ByteBuffer, int, int)}).
     *
     * @param status      the status code, 100..599 (else {@link IllegalArgumentException}, with nothing sent)
     * @param contentType the Content-Type, or null for none; checked as {@link #addHeader} checks a value
     * @param body        the bytes, which must not change until the answer is sent (the route's call, usually)
     */
    public void respond(int status, CharSequence contentType, byte[] body) {
        answer(status, contentType, null, body, 0, body.length);
    }

    /**
     * Answers with a view's bytes and the headers of {@link #addHeader}: a part of the request (its body, say), copied
     * before the call returns if it cannot be sent at once, or a region of the route's.
     *
     * @param status      the status code, 100..599 (else {@link IllegalArgumentException}, with nothing sent)
     * @param contentType the Content-Type, or null for none; checked as {@link #addHeader} checks a value
     * @param body        the view, read now; the bytes it shows stay as they are until the answer is sent,
     *                    unless they are the request's (copied when need be)
     */
    public void respond(int status, CharSequence contentType, ByteView body) {
        answer(status, contentType, body.buffer(), null, body.offset(), body.length());
    }

    /**
     * Answers with {@code length} bytes of {@code body} from {@code offset}, of any size: what does not fit the
     * output now is sent as the peer reads, copied once, so its bytes must not change until the next request
     * is routed (a read-only buffer shared by every connection, say). The headers set by {@link #addHeader} go
     * with it.
     *
     * @param status      the status code, 100..599 (else {@link IllegalArgumentException}, with nothing sent)
     * @param contentType the Content-Type, or null for none; checked as {@link #addHeader} checks a value
     * @param body        the buffer, read at absolute indices: its position is neither used nor moved
     * @param offset      where the body starts in {@code body}
     * @param length      the body's length in bytes; {@code offset + length} at most {@code body}'s limit
     */
    public void respond(int status, CharSequence contentType, ByteBuffer body, int offset, int length) {
        answer(status, contentType, body, null, offset, length);
    }

    /** The kit's own answers (errors, refusals): headers a route added before it failed are dropped. */
    void respond(HttpResponse response, boolean keepAlive) {
        respond(response, keepAlive, false);
    }

    private void respond(HttpResponse response, boolean keepAlive, boolean withAdded) {
        assert connection.inServingThread() : notServing("respond");
        answering(response.status());
        busyWith = null;
        int form = form(keepAlive);
        byte[] head = response.head(form);
        byte[] dateLine = date.line(connection.nowMs());
        ByteBuffer added = scratch.headers; // this answer's, or none: never the next one's
        int addedLength = withAdded && scratch.headersOf == this ? added.position() : 0;
        scratch.headersOf = null;
        int tailLength = response.tailLength(isHead());
        if (head.length + HttpDate.LENGTH + addedLength + tailLength <= WRITE_CHUNK) {
            // Room for WRITE_CHUNK bytes was checked before the request was taken: these cannot fail.
            if (!connection.write(head) || !connection.write(dateLine) || !connection.write(added, 0, addedLength)
                    || !connection.write(response.tail(), 0, tailLength)) {
                stats.overflowed();
                connection.close();
            } else if (!keepAlive) {
                connection.closeAfterWrite();
            }
        } else { // larger than what the output buffer guarantees: send it in pieces as the peer reads
            byte[] all = response.joined(form, dateLine, added, addedLength, isHead());
            pending.array(all, 0, all.length);
            finishLater(keepAlive);
        }
        added.clear();
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
        } else if (!pending.copyFirst(bodies, head, headLength, holdable ? null : buffer, offset, body)) {
            stats.overflowed(); // no body buffer free to hold it: the connection cannot be answered in order
            connection.close();
            return;
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
     * Starts an answer whose body the route writes in pieces ({@link #writeBody}, then {@link #endBody}):
     * {@code length} bytes, or chunked when it is -1 (HTTP/1.1; an HTTP/1.0 client's connection closes after it).
     * The head must fit the output now ({@link Connection#canWrite}), as it does when the route is called.
     * For a HEAD request the head alone goes: writes then take nothing.
     *
     * @param status      the status code, 100..599 (else {@link IllegalArgumentException}, with nothing sent)
     * @param contentType the Content-Type, or null for none; checked as {@link #addHeader} checks a value
     * @param length      the body's length in bytes, or -1 for chunked
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
        pending.stream(isHead() ? 0 : !chunked ? length
                : versionMinor > 0 ? PendingAnswer.CHUNKED : PendingAnswer.UNTIL_CLOSE);
        return true;
    }

    /**
     * Writes a piece of a body begun with {@link #beginBody} (as a chunk, if chunked), copying it into the output.
     *
     * @param src    the bytes, read at absolute indices: its position is neither used nor moved
     * @param offset where the piece starts in {@code src}
     * @param length the piece's length, at most what was announced and not yet written; with its chunk framing
     *               at most the output buffer's size (else {@link IllegalArgumentException})
     * @return false, with nothing written, when the output has no room for it now: {@link Route#onWritable}
     *         follows when it has
     */
    public boolean writeBody(ByteBuffer src, int offset, int length) {
        assert connection.inServingThread() : notServing("writeBody");
        if (!pending.streaming()) {
            throw new IllegalStateException("no body begun");
        }
        return isHead() || length == 0
                || pending.writePiece(connection, scratch.head.clear(), scratch.outputCapacity, src, offset, length);
    }

    /**
     * As {@link #writeBody(ByteBuffer, int, int)}, the bytes of a view.
     *
     * @param piece the bytes, copied now
     * @return false, with nothing written, when the output has no room for them now
     */
    public boolean writeBody(ByteView piece) {
        return writeBody(piece.buffer(), piece.offset(), piece.length());
    }

    /**
     * Ends a body begun with {@link #beginBody}: the last chunk, if chunked.
     *
     * @return false when the output has no room for the last chunk now: call again from {@link Route#onWritable}
     */
    public boolean endBody() {
        assert connection.inServingThread() : notServing("endBody");
        if (!pending.endStream(connection)) {
            return false;
        }
        busyWith = null;
        if (!pending.keepAlive) {
            connection.closeAfterWrite();
        }
        return true;
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
