package loopwork.http;

import java.nio.ByteBuffer;

/**
 * The request an {@link HttpExchange} answers, read where its bytes lie: method, path, query, path parameters,
 * headers and body, as {@link ByteView}s and numbers, allocating nothing. They are valid during the route's
 * call that reads them ({@link Route#onRequest}, or {@link Route#onBodyEnd} for a route taking the body in
 * pieces): a route that answers later (a task, a move, a timer) keeps what it needs, as numbers or copies. A
 * {@link BlockingRoute} reads them in {@link Route#onRequest}, before the hand-off.
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

    /** The request's method; {@link HttpMethod#OTHER} for one no route may be registered for. */
    public HttpMethod method() {
        return method;
    }

    /** The method as it was sent. */
    public ByteView methodName() {
        return scratch.method.set(input, methodStart, methodEnd);
    }

    /** Whether this is a HEAD request: answers carry their head only. */
    public boolean isHead() {
        return method == HttpMethod.HEAD;
    }

    /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
    public int versionMinor() {
        return versionMinor;
    }

    /** The path, raw (percent-encoding kept), without the query. */
    public ByteView path() {
        return scratch.path.set(input, pathStart, pathEnd);
    }

    /** The query, raw, without the '?': empty when there is none. */
    public ByteView query() {
        return scratch.query.set(input, Math.min(pathEnd + 1, targetEnd), targetEnd);
    }

    /** The raw value of the first query parameter {@code name} (compared raw), or null; "" for {@code ?a&b}. */
    public ByteView query(CharSequence name) {
        return query(name, scratch.query);
    }

    /** As {@link #query(CharSequence)}, into a view of the caller's. */
    public ByteView query(CharSequence name, ByteView into) {
        return Query.find(input, pathEnd, targetEnd, name, into);
    }

    /**
     * The value of query parameter {@code name} percent-decoded ({@code +} as a space) into {@code into}: its
     * length, -1 when absent, -2 when malformed or longer than {@code into}.
     */
    public int queryDecoded(CharSequence name, byte[] into) {
        ByteView raw = query(name, scratch.query);
        return raw == null ? -1 : Query.decode(raw, into);
    }

    /** The value of query parameter {@code name} decoded as UTF-8, or null: allocates. */
    public String queryString(CharSequence name) {
        ByteView raw = query(name, scratch.query);
        return raw == null ? null : Query.decodeToString(raw);
    }

    /** Query parameter {@code name} as a non-negative whole number; -1 when absent or not a number. */
    public long queryNumber(CharSequence name) {
        ByteView raw = query(name, scratch.query);
        return raw == null ? -1 : raw.toNumber();
    }

    /** Path parameter {@code name} of the route's pattern ({@code /items/{id}}), raw; null when it has none such. */
    public ByteView pathParam(CharSequence name) {
        int k = routes.param(route, name);
        return k < 0 ? null : scratch.param.set(input, scratch.params[2 * k], scratch.params[2 * k + 1]);
    }

    /** Path parameter {@code name} as a non-negative whole number; -1 when absent or not a number. */
    public long pathParamNumber(CharSequence name) {
        ByteView value = pathParam(name);
        return value == null ? -1 : value.toNumber();
    }

    /** The value of the first header {@code name} (any case), whitespace around it trimmed; null when absent. */
    public ByteView header(CharSequence name) {
        return HeadFields.find(input, fieldsStart, headEnd, name, 0, scratch.header);
    }

    /** As {@link #header(CharSequence)}, into a view of the caller's. */
    public ByteView header(CharSequence name, ByteView into) {
        return HeadFields.find(input, fieldsStart, headEnd, name, 0, into);
    }

    /** The {@code occurrence}-th (from 0) header {@code name} of a repeated one, or null. */
    public ByteView header(CharSequence name, int occurrence, ByteView into) {
        return HeadFields.find(input, fieldsStart, headEnd, name, occurrence, into);
    }

    /** Whether header {@code name} is present with a value equal to {@code value}, ignoring ASCII case. */
    public boolean headerEquals(CharSequence name, CharSequence value) {
        ByteView found = header(name);
        return found != null && found.equalsIgnoreCase(value);
    }

    /** Header {@code name} as a non-negative whole number; -1 when absent or not one. */
    public long headerNumber(CharSequence name) {
        ByteView found = header(name);
        return found == null ? -1 : found.toNumber();
    }

    /** The header lines as they were sent, each ending in CRLF (or LF): for a log, or an echo. */
    public ByteView headerLines() {
        int end = headEnd;
        end -= end >= 2 && input.get(end - 2) == '\r' ? 2 : 1; // the blank line that ends the head
        return scratch.header.set(input, fieldsStart, Math.max(fieldsStart, end));
    }

    /** How many header lines the request has. */
    public int headerCount() {
        return HeadFields.count(input, fieldsStart, headEnd);
    }

    /** The name of header line {@code index} (from 0), as sent; into a view of the caller's. */
    public ByteView headerName(int index, ByteView into) {
        return HeadFields.at(input, fieldsStart, headEnd, index, true, into);
    }

    /** The value of header line {@code index} (from 0), trimmed; into a view of the caller's. */
    public ByteView headerValue(int index, ByteView into) {
        return HeadFields.at(input, fieldsStart, headEnd, index, false, into);
    }

    /** The body's length from its Content-Length; -1 for a chunked body, 0 for none. */
    public long contentLength() {
        return transferEncoding == TE_CHUNKED ? -1 : Math.max(0, contentLength);
    }

    /**
     * The whole body, for a route registered with {@link BodyMode#WHOLE} (chunked framing removed), during its
     * call; for one registered with {@link BodyMode#PIECES}, during {@link Route#onRequest}, a body of a
     * Content-Length that has come whole with its head (its pieces are shown all the same); else empty.
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
