package loopwork.http;

import java.nio.ByteBuffer;

/**
 * The request an {@link HttpExchange} answers, read where its bytes lie: method, path, query, path parameters,
 * headers and body, as {@link ByteView}s and numbers, allocating nothing. They are valid during the route's
 * {@link Route#onRequest} (for a {@link BodyMode#WHOLE} route, called once the body is in): a route that answers
 * later (a task, a move, a timer, a body in pieces) keeps what it needs then, as numbers or copies. A
 * {@link BlockingRoute} reads them in {@link Route#onRequest}, before the hand-off.
 *
 * <p>The views returned are the exchange's own, one per kind, re-pointed by the next call of any accessor of
 * that kind: {@link #path()}; {@link #methodName()}; the query's ({@link #query()}, {@code query(name)} and the
 * decoded and number forms); the header's ({@code header(name)}, {@link #headerLines()}, {@link #headerEquals},
 * {@link #headerNumber}); the path parameter's; the body's. To keep two of one kind, pass views of your own
 * to the accessors that take one.
 *
 * <p>Not thread-safe: owned by the thread serving its connection, as its exchange is.
 */
public abstract sealed class HttpRequest permits HttpAnswer {

    static final int TE_NONE = 0;
    static final int TE_CHUNKED = 1;
    static final int TE_UNSUPPORTED = 2;
    static final int EXPECT_NONE = 0;
    static final int EXPECT_CONTINUE = 1;
    static final int EXPECT_OTHER = 2;

    // The request, as parsed: offsets into input, valid while its head lies there.
    HttpMethod method = HttpMethod.OTHER;
    int versionMinor;
    boolean closeRequested;
    boolean keepAliveRequested;
    long contentLength;
    int transferEncoding;
    int expect;
    int hostHeaders;
    /** Where the head starts and ends in {@link #input}; headEnd is -1 outside a route's call on the head. */
    int headStart;
    int headEnd = -1;
    int methodStart;
    int methodEnd;
    int pathStart;
    int pathEnd;
    /** Where the request-target ends (the space before the version): the query is from pathEnd + 1 to here. */
    int targetEnd;
    /** Where the first field line starts. */
    int fieldsStart;
    /** The buffer holding the head: the connection's input, or the body buffer a whole body was gathered in. */
    ByteBuffer input;
    /** Where the whole body lies during the route's call (in {@link #input}, or a body buffer). */
    ByteBuffer bodyIn;
    int bodyStart;
    int bodyLength;
    /** The index of the request's route, -1 before it is routed and once answered. */
    int route = -1;
    /** What the serving handler lends for the call; set on adoption. */
    HttpScratch scratch;
    Routes routes;

    HttpRequest() {
    }

    /** {@return the request's method; {@link HttpMethod#OTHER} for one no route may be registered for} */
    public HttpMethod method() {
        return method;
    }

    /** {@return the method as it was sent, case kept: the only way to tell one {@code OTHER} from another} */
    public ByteView methodName() {
        return scratch.method.set(input, methodStart, methodEnd);
    }

    /** {@return whether this is a HEAD request: the exchange then sends the head of any answer alone} */
    public boolean isHead() {
        return method == HttpMethod.HEAD;
    }

    /** {@return 0 for HTTP/1.0, 1 for HTTP/1.1 (or a later 1.x, answered as 1.1)} */
    public int versionMinor() {
        return versionMinor;
    }

    /** {@return the path, raw (percent-encoding kept), without the query, as sent: not checked to start with '/'} */
    public ByteView path() {
        return scratch.path.set(input, pathStart, pathEnd);
    }

    /** {@return the query, raw, without the '?': empty when there is none} */
    public ByteView query() {
        return scratch.query.set(input, Math.min(pathEnd + 1, targetEnd), targetEnd);
    }

    /**
     * {@return the raw value of the first query parameter {@code name}, or null when absent; empty for {@code a}
     * in {@code ?a&b} or {@code ?a=&b}}
     *
     * @param name the parameter's name, compared raw (not decoded) with the names in the query
     */
    public ByteView query(CharSequence name) {
        return query(name, scratch.query);
    }

    /**
     * {@return as {@link #query(CharSequence)}, pointing {@code into} at the value: {@code into}, or null when
     * absent}
     *
     * @param name the parameter's name, compared raw (not decoded) with the names in the query
     * @param into a view of the caller's, re-pointed whether found or not
     */
    public ByteView query(CharSequence name, ByteView into) {
        return Query.find(input, pathEnd, targetEnd, name, into);
    }

    /**
     * Percent-decodes the value of the first query parameter {@code name} ({@code +} as a space) into the
     * caller's bytes, as they were encoded (UTF-8, usually; not checked).
     *
     * @param name the parameter's name, compared raw (not decoded) with the names in the query
     * @param into where the value goes, from index 0; what is past the value's length is left as it was
     * @return the value's length in bytes, -1 when absent, -2 when malformed (a bad {@code %xx}) or longer than
     *         {@code into}
     */
    public int queryDecoded(CharSequence name, byte[] into) {
        ByteView raw = query(name, scratch.query);
        return raw == null ? -1 : Query.decode(raw, into);
    }

    /**
     * {@return the value of the first query parameter {@code name}, percent-decoded as UTF-8; null when absent or
     * malformed: allocates, for code off the hot path}
     *
     * @param name the parameter's name, compared raw (not decoded) with the names in the query
     */
    public String queryString(CharSequence name) {
        ByteView raw = query(name, scratch.query);
        return raw == null ? null : Query.decodeToString(raw);
    }

    /**
     * {@return the first query parameter {@code name} as a non-negative decimal number (at most 18 digits, raw);
     * -1 when absent or not one}
     *
     * @param name the parameter's name, compared raw (not decoded) with the names in the query
     */
    public long queryNumber(CharSequence name) {
        ByteView raw = query(name, scratch.query);
        return raw == null ? -1 : raw.toNumber();
    }

    /**
     * {@return path parameter {@code name} of the matched route's pattern ({@code /items/{id}}), raw (not
     * percent-decoded) and never empty; null when the pattern has none such}
     *
     * @param name the parameter's name in the pattern, without braces ({@code "id"}), case-sensitive
     */
    public ByteView pathParam(CharSequence name) {
        int k = routes.param(route, name);
        return k < 0 ? null : scratch.param.set(input, scratch.params[2 * k], scratch.params[2 * k + 1]);
    }

    /**
     * {@return path parameter {@code name} as a non-negative decimal number (at most 18 digits); -1 when the
     * pattern has none such or the segment is not one}
     *
     * @param name the parameter's name in the pattern, without braces, case-sensitive
     */
    public long pathParamNumber(CharSequence name) {
        ByteView value = pathParam(name);
        return value == null ? -1 : value.toNumber();
    }

    /**
     * {@return the value of the first header {@code name}, whitespace around it trimmed (possibly empty); null
     * when absent}
     *
     * @param name the header's name, in any case ({@code "content-type"} finds {@code Content-Type})
     */
    public ByteView header(CharSequence name) {
        return HeadFields.find(input, fieldsStart, headEnd, name, 0, scratch.header);
    }

    /**
     * {@return as {@link #header(CharSequence)}, pointing {@code into} at the value: {@code into}, or null when
     * absent}
     *
     * @param name the header's name, in any case ({@code "content-type"} finds {@code Content-Type})
     * @param into a view of the caller's, left as it was when the header is absent
     */
    public ByteView header(CharSequence name, ByteView into) {
        return HeadFields.find(input, fieldsStart, headEnd, name, 0, into);
    }

    /**
     * {@return the value of the {@code occurrence}-th header {@code name}, for one sent on several lines (its
     * comma-separated members are not split): {@code into}, or null when there are fewer}
     *
     * @param name       the header's name, in any case ({@code "content-type"} finds {@code Content-Type})
     * @param occurrence from 0, in the order the lines were sent
     * @param into       a view of the caller's, left as it was when there is no such line
     */
    public ByteView header(CharSequence name, int occurrence, ByteView into) {
        return HeadFields.find(input, fieldsStart, headEnd, name, occurrence, into);
    }

    /**
     * {@return whether the first header {@code name} is present with a value equal to {@code value}, ignoring
     * ASCII case ({@code headerEquals("Upgrade", "websocket")})}
     *
     * @param name  the header's name, in any case ({@code "content-type"} finds {@code Content-Type})
     * @param value the value, whole: not a member of a list
     */
    public boolean headerEquals(CharSequence name, CharSequence value) {
        ByteView found = header(name);
        return found != null && found.equalsIgnoreCase(value);
    }

    /**
     * {@return the first header {@code name} as a non-negative decimal number (at most 18 digits); -1 when absent
     * or not one}
     *
     * @param name the header's name, in any case ({@code "content-type"} finds {@code Content-Type})
     */
    public long headerNumber(CharSequence name) {
        ByteView found = header(name);
        return found == null ? -1 : found.toNumber();
    }

    /**
     * {@return the header lines as they were sent, each ending in CRLF (or LF), empty when none: for a log, or
     * an echo}
     */
    public ByteView headerLines() {
        int end = headEnd;
        end -= end >= 2 && input.get(end - 2) == '\r' ? 2 : 1; // the blank line that ends the head
        return scratch.header.set(input, fieldsStart, Math.max(fieldsStart, end));
    }

    /** {@return how many header lines the request has: the bound of {@link #headerName}, {@link #headerValue}} */
    public int headerCount() {
        return HeadFields.count(input, fieldsStart, headEnd);
    }

    /**
     * {@return the name of header line {@code index}, case as sent: {@code into}, or null past the last line}
     *
     * @param index from 0, in the order the lines were sent, below {@link #headerCount()}
     * @param into  a view of the caller's, left as it was past the last line
     */
    public ByteView headerName(int index, ByteView into) {
        return HeadFields.at(input, fieldsStart, headEnd, index, true, into);
    }

    /**
     * {@return the value of header line {@code index}, whitespace around it trimmed: {@code into}, or null past
     * the last line}
     *
     * @param index from 0, in the order the lines were sent, below {@link #headerCount()}
     * @param into  a view of the caller's, left as it was past the last line
     */
    public ByteView headerValue(int index, ByteView into) {
        return HeadFields.at(input, fieldsStart, headEnd, index, false, into);
    }

    /**
     * {@return the body's length in bytes from its Content-Length, at most the body limit; -1 for a chunked body,
     * 0 for none}
     */
    public long contentLength() {
        return transferEncoding == TE_CHUNKED ? -1 : Math.max(0, contentLength);
    }

    /**
     * {@return the whole body, for a route registered with {@link BodyMode#WHOLE} (chunked framing removed),
     * during its {@link Route#onRequest}; for one registered with {@link BodyMode#PIECES}, during its
     * {@code onRequest}, a body of a Content-Length that has come whole with its head (its pieces are shown all
     * the same); else empty. It lies in the connection's input or a body buffer, and is gone when the call
     * returns (a route answering with it, the exchange keeps what it needs)}
     */
    public ByteView body() {
        return bodyIn == null ? scratch.body.set(input, 0, 0) : scratch.body.set(bodyIn, bodyStart, bodyStart + bodyLength);
    }

    /** Resets the request fields before the next one is parsed from {@code in} at {@code start}. */
    void startRequest(ByteBuffer in, int start) {
        input = in;
        headStart = start;
        headEnd = -1;
        method = HttpMethod.OTHER;
        versionMinor = 1;
        closeRequested = false;
        keepAliveRequested = false;
        contentLength = -1;
        transferEncoding = TE_NONE;
        expect = EXPECT_NONE;
        hostHeaders = 0; // the offsets are set as the head parses: none is read before it has
        bodyIn = null;
        route = -1;
    }

    /** The head now lies {@code delta} bytes earlier in {@code in} (gathered into a body buffer with its body). */
    void moveHead(ByteBuffer in, int delta) {
        input = in;
        headStart -= delta;
        headEnd -= delta;
        methodStart -= delta;
        methodEnd -= delta;
        pathStart -= delta;
        pathEnd -= delta;
        targetEnd -= delta;
        fieldsStart -= delta;
    }
}
