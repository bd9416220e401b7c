package loopwork.http;

import java.io.IOException;
import java.nio.ByteBuffer;

import loopwork.core.BlockingConnection;
import loopwork.core.Bytes;
import loopwork.core.Connection;
import loopwork.core.TaskPayload;

/**
 * The HTTP state of one connection and the request being answered on it: what the parser found, and the
 * ways to answer. One per context of a loop's pool, made when the context first opens and reused for every
 * later request and connection of that context.
 *
 * <p>Not thread-safe: owned by the thread serving its connection (its loop, or a worker it was handed
 * or moved to), and handed over with it. Its methods that act assert {@link Connection#inServingThread()}.
 */
public final class HttpExchange {

    /** Answers up to this size are written at once; larger ones in chunks of it, as the peer reads. */
    static final int WRITE_CHUNK = 256;
    /** {@link #busyWith} while a large answer is written. */
    static final Route WRITING_LARGE = new Route() {
        @Override
        public String path() {
            return "";
        }

        @Override
        public void onRequest(HttpExchange exchange) {
            throw new IllegalStateException("not a route");
        }
    };

    static final int TE_NONE = 0;
    static final int TE_CHUNKED = 1;
    static final int TE_UNSUPPORTED = 2;
    static final int EXPECT_NONE = 0;
    static final int EXPECT_CONTINUE = 1;
    static final int EXPECT_OTHER = 2;

    static final int GET = 1;
    static final int HEAD = 2;
    static final int OTHER = 3;

    /** The counters and Date line of the thread serving the connection now; switched when it moves. */
    HttpStats stats;
    HttpDate date;
    Connection connection;

    // The request, as parsed.
    int method;
    int versionMinor;
    boolean closeRequested;
    boolean keepAliveRequested;
    long contentLength;
    int transferEncoding;
    int expect;
    int hostHeaders;
    /** Where the request's head ends in the input during {@link Route#onRequest}; -1 after. */
    int headEnd = -1;
    /** Where the path starts and ends in the input; valid only during {@link Route#onRequest}. */
    int pathStart;
    int pathEnd;
    private ByteBuffer input;

    // Progress of the connection.
    long bodyToSkip;
    final ChunkedBody chunked = new ChunkedBody();
    /** Which timeout the connection's timer stands for when no route owns it. */
    int timeout;
    /** A request head has started arriving and its header timeout runs. */
    boolean headStarted;
    boolean responded;
    /** The route still answering the current request (a task, a hand-off, a move, a timer); null when none. */
    Route busyWith;
    /** The index of the request's route ({@link Routes#match}), -1 before it is routed and once answered. */
    int route = -1;
    /**
     * When the request's head was parsed, by the loop's clock as read once per cycle ({@link Connection#nowNs()}),
     * not by a clock read of its own: one costs 2% of a keep-alive load where the clock is slow to read.
     */
    long startNs;
    private long note;
    private boolean claimOpen;
    /** A large answer being written in chunks (an operations endpoint's), or null. */
    private byte[] large;
    private int largeWritten;
    private boolean largeKeepAlive;

    HttpExchange(HttpStats stats) {
        this.stats = stats;
    }

    /** Resets the request fields before the next one is parsed. */
    void startRequest(ByteBuffer in) {
        input = in;
        headEnd = -1;
        method = OTHER;
        versionMinor = 1;
        closeRequested = false;
        keepAliveRequested = false;
        contentLength = -1;
        transferEncoding = TE_NONE;
        expect = EXPECT_NONE;
        hostHeaders = 0;
        pathStart = 0;
        pathEnd = 0;
        responded = false;
        route = -1;
    }

    /** Forgets everything when the connection closes. */
    void reset() {
        connection = null;
        input = null;
        bodyToSkip = 0;
        chunked.reset();
        headStarted = false;
        responded = false; // the next connection's first answer (a 408, say) may come before any request
        route = -1;
        busyWith = null;
        claimOpen = false;
        large = null;
    }

    public Connection connection() {
        return connection;
    }

    /** Whether this is a HEAD request: answers carry headers only. */
    public boolean isHead() {
        return method == HEAD;
    }

    /** 0 for HTTP/1.0, 1 for HTTP/1.1. */
    public int versionMinor() {
        return versionMinor;
    }

    /**
     * Whether the connection stays open after this answer: as the request asked, unless the server drains and
     * no other request has arrived behind this one.
     */
    public boolean keepAlive() {
        return !closeRequested && (versionMinor >= 1 || keepAliveRequested)
                && !(connection.draining() && !moreRequests());
    }

    /** Whether bytes beyond this request (and its body) have arrived: a pipelined request, whole or begun. */
    private boolean moreRequests() {
        // In the route's call the input shows this head, not consumed yet; later, only what the connection kept.
        long more = headEnd >= 0 ? input.limit() - headEnd : connection.unconsumedInput();
        return chunked.isActive() || more > bodyToSkip;
    }

    /**
     * Whether the connection is between requests: none begun, none answering, no body still to read. A drain
     * closes it then.
     */
    boolean betweenRequests() {
        return busyWith == null && !headStarted && bodyToSkip == 0 && !chunked.isActive();
    }

    /** Whether the request path (without query) equals {@code path}; valid during {@link Route#onRequest}. */
    public boolean pathEquals(byte[] path) {
        if (pathEnd - pathStart != path.length) {
            return false;
        }
        for (int i = 0; i < path.length; i++) {
            if (input.get(pathStart + i) != path[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The value of query parameter {@code name} as a non-negative whole number, -1 when it is absent or not
     * a number; valid during {@link Route#onRequest}.
     */
    public long queryNumber(byte[] name) {
        int i = pathEnd;
        int end = input.limit();
        while (i < end && input.get(i) != ' ') {
            i++; // the target ends at the space before the version
        }
        end = i;
        i = pathEnd + 1;
        while (i < end) {
            int keyEnd = i;
            while (keyEnd < end && input.get(keyEnd) != '=' && input.get(keyEnd) != '&') {
                keyEnd++;
            }
            boolean match = keyEnd - i == name.length;
            for (int k = 0; match && k < name.length; k++) {
                match = input.get(i + k) == name[k];
            }
            int valueEnd = keyEnd;
            while (valueEnd < end && input.get(valueEnd) != '&') {
                valueEnd++;
            }
            if (match && keyEnd < end && input.get(keyEnd) == '=') {
                return number(keyEnd + 1, valueEnd);
            }
            i = valueEnd + 1;
        }
        return -1;
    }

    private long number(int start, int end) {
        if (end - start > 18) {
            return -1;
        }
        long value = Bytes.parseDecimal(input, start, end);
        return value < 0 ? -1 : value; // a sign is not a digit here, and INVALID is negative
    }

    /** A number a route keeps for the request being answered (what {@link #queryNumber} found, say). */
    public void note(long value) {
        assert connection.inServingThread() : notServing("note");
        note = value;
    }

    public long note() {
        return note;
    }

    /** The message of a failed ownership assert: built only then. */
    private String notServing(String what) {
        return "HttpExchange." + what + " called on " + Thread.currentThread().getName() + ", which does not serve"
                + " connection " + connection.id() + " now";
    }

    /** Answers with a pre-encoded response; closes the connection after it unless it is kept alive. */
    public void respond(HttpResponse response) {
        respond(response, keepAlive());
    }

    /** Answers with a response built now (this allocates: for operations endpoints, not hot paths). */
    public void respond(int status, String reason, String contentType, byte[] body) {
        respond(new HttpResponse(status, reason, "", contentType, body));
    }

    void respond(HttpResponse response, boolean keepAlive) {
        assert connection.inServingThread() : notServing("respond");
        answering(response.status());
        busyWith = null;
        int form = form(keepAlive);
        byte[] head = response.head(form);
        byte[] dateLine = date.line(connection.nowMs());
        int tailLength = response.tailLength(method == HEAD);
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
        // Larger than what the output buffer guarantees: send it in chunks as the peer reads.
        large = response.joined(form, dateLine, method == HEAD);
        largeWritten = 0;
        largeKeepAlive = keepAlive;
        busyWith = WRITING_LARGE;
        continueLarge();
    }

    /** Each request gets one answer: counted here, refused twice. */
    private void answering(int status) {
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

    private int form(boolean keepAlive) {
        return !keepAlive ? HttpResponse.CLOSE : versionMinor == 0 ? HttpResponse.KEEP_ALIVE_10 : HttpResponse.KEEP_ALIVE;
    }

    /** Writes more of a large answer; true when it is all queued and the exchange is free again. */
    boolean continueLarge() {
        while (largeWritten < large.length) {
            int chunk = Math.min(WRITE_CHUNK, large.length - largeWritten);
            if (!connection.write(large, largeWritten, chunk)) {
                return false; // the loop calls onWritable when the output has drained
            }
            largeWritten += chunk;
        }
        large = null;
        busyWith = null;
        if (!largeKeepAlive) {
            connection.closeAfterWrite();
        }
        return true;
    }

    /**
     * Claims a worker slot for a task; fill the payload, then {@link #commitTask(Route)}. The answer comes in
     * {@link Route#onTaskDone}.
     *
     * @return the payload, or null when workers are saturated: answer {@link HttpResponse#SERVICE_UNAVAILABLE}
     */
    public TaskPayload tryOffload(int taskType) {
        assert connection.inServingThread() : notServing("tryOffload");
        TaskPayload payload = connection.tryClaimTask(taskType);
        claimOpen = payload != null;
        return payload;
    }

    /** Publishes the task claimed by {@link #tryOffload}; {@code route} answers in {@link Route#onTaskDone}. */
    public void commitTask(Route route) {
        assert connection.inServingThread() : notServing("commitTask");
        if (!claimOpen) {
            throw new IllegalStateException("no task claimed");
        }
        claimOpen = false;
        connection.commitTask();
        busyWith = route;
    }

    /**
     * Hands the connection to a worker, where {@code route} serves this request with blocking I/O; then it
     * comes back to its loop for the next request (or closes, if not kept alive).
     *
     * @return false when no worker can take it now: answer {@link HttpResponse#SERVICE_UNAVAILABLE}
     */
    public boolean handOff(BlockingRoute route) {
        assert connection.inServingThread() : notServing("handOff");
        if (!connection.handOff(HttpBlocking.INSTANCE)) {
            return false;
        }
        busyWith = route;
        return true;
    }

    /**
     * Moves the connection into a worker's event loop, where {@code route} goes on with this request in
     * {@link Route#onArrived}.
     *
     * @return false when no worker can take it now: answer {@link HttpResponse#SERVICE_UNAVAILABLE}
     */
    public boolean moveToWorker(Route route) {
        assert connection.inServingThread() : notServing("moveToWorker");
        if (!connection.moveToWorker()) {
            return false;
        }
        busyWith = route;
        return true;
    }

    /** On a worker's loop: sends the connection home once this call returns. */
    public boolean moveHome() {
        assert connection.inServingThread() : notServing("moveHome");
        return connection.moveHome();
    }

    /** Calls {@link Route#onTimer} of the route answering this request in {@code delayMs} ms. */
    public void setTimer(Route route, long delayMs) {
        assert connection.inServingThread() : notServing("setTimer");
        busyWith = route;
        timeout = HttpHandler.TIMEOUT_NONE; // the route's now, not one of the handler's timeouts
        connection.setTimer(delayMs);
    }

    /** From a blocking route: writes the answer on the blocking connection, in the form this request needs. */
    public void respond(BlockingConnection blocking, HttpResponse response) throws IOException {
        respond(blocking, response, keepAlive());
    }

    /** As {@link #respond(BlockingConnection, HttpResponse)}, with {@code Connection: close}. */
    void respondClosing(BlockingConnection blocking, HttpResponse response) throws IOException {
        respond(blocking, response, false);
    }

    private void respond(BlockingConnection blocking, HttpResponse response, boolean keepAlive) throws IOException {
        assert connection.inServingThread() : notServing("respond");
        answering(response.status());
        blocking.write(response.head(form(keepAlive)));
        blocking.write(date.line());
        blocking.write(response.tail(), 0, response.tailLength(method == HEAD));
    }

    /** From a blocking route: writes a status line and headers announcing a body of {@code length} bytes. */
    public void respondHead(BlockingConnection blocking, HttpResponse.Head head, long length) throws IOException {
        assert connection.inServingThread() : notServing("respondHead");
        answering(head.status());
        head.write(blocking, length, form(keepAlive()), date.line());
    }
}
