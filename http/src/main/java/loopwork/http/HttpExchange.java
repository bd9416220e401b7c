package loopwork.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

import loopwork.core.BlockingConnection;
import loopwork.core.Connection;
import loopwork.core.PeerAddress;
import loopwork.core.TaskPayload;

/**
 * The HTTP state of one connection and the request being answered on it ({@link HttpRequest}: what the parser
 * found), and the ways to answer: at once, or after a task, on a worker's loop, from a timer, or from blocking
 * code after a hand-off. One per context of a loop's pool, made when the context first opens and reused for
 * every later request and connection of that context.
 *
 * <pre>{@code
 * routes.get("/items/{id}", ex -> {
 *     long id = ex.pathParamNumber("id");                 // -1 when not a number
 *     if (id < 0) { ex.respond(404); return; }
 *     ex.addHeader("Cache-Control", "no-store").respond(200, "text/plain", ITEMS[(int) id]);
 * });
 * }</pre>
 *
 * <p>Each request gets one answer: a second throws. A route that returns without answering and without
 * anything in flight (a task, a move, a hand-off, a timer, a body taken in pieces, a streamed answer) gets a 500
 * sent for it. A HEAD request gets the head only, with the length the GET would have.
 *
 * <p>Not thread-safe: owned by the thread serving its connection (its loop, or a worker it was handed
 * or moved to), and handed over with it. Its methods that act assert {@link Connection#inServingThread()}.
 */
public final class HttpExchange extends HttpAnswer {

    // Progress of the connection.
    long bodyToSkip;
    final ChunkedBody chunked = new ChunkedBody();
    /** The body buffer a whole body is gathered in, -1 when none; and how much of the body is in. */
    int bodySlot = -1;
    long gathered;
    /** The route taking this request's body in pieces, null when none. */
    Route bodyRoute;
    /** The route taking the body in pieces took less than it was shown: it waits for its output to drain. */
    boolean pieceHeld;
    /** The request waits, unconsumed, for the rest of a whole body that fits the input with its head. */
    boolean waitingBody;
    /** The route called for the request, which a streamed answer's onWritable goes to. */
    Route current;
    /** Which timeout the connection's timer stands for when no route owns it. */
    int timeout;
    /** A request head has started arriving and its header timeout runs. */
    boolean headStarted;
    private long note;
    private boolean claimOpen;
    private HttpBodyStream stream;

    HttpExchange(HttpStats stats) {
        super(stats);
    }

    @Override
    void startRequest(ByteBuffer in, int start) {
        super.startRequest(in, start);
        responded = false;
    }

    /** Forgets everything when the connection closes. */
    void reset() {
        connection = null;
        input = null;
        shown = null;
        bodyToSkip = 0;
        chunked.reset();
        releaseBody();
        bodyRoute = null;
        pieceHeld = false;
        waitingBody = false;
        headStarted = false;
        responded = false; // the next connection's first answer (a 408, say) may come before any request
        route = -1;
        busyWith = null;
        claimOpen = false;
        pending.clear(); // and a body being written in pieces
    }

    /** Gives back the body buffer the request's body was gathered in, if any. */
    void releaseBody() {
        if (bodySlot >= 0) {
            bodies.release(bodySlot);
            bodySlot = -1;
        }
        bodyIn = null;
    }

    @Override
    public boolean keepAlive() {
        return !closeRequested && (versionMinor >= 1 || keepAliveRequested)
                && !(connection.draining() && !moreRequests());
    }

    /** Whether bytes beyond this request (and its body) have arrived: a pipelined request, whole or begun. */
    private boolean moreRequests() {
        // In the route's call the input shows this head, not consumed yet; later, only what the connection kept.
        long more = headEnd >= 0 && input == shown ? input.limit() - headEnd : connection.unconsumedInput();
        return chunked.isActive() || bodyRoute != null || more > bodyToSkip;
    }

    /**
     * Whether the connection is between requests: none begun, none answering, no body still to read. A drain
     * closes it then.
     */
    boolean betweenRequests() {
        return busyWith == null && !headStarted && bodyToSkip == 0 && !chunked.isActive() && bodySlot < 0
                && !waitingBody;
    }

    /** Whether the body is read on while the route answers: it streams its answer as it takes the body in pieces. */
    boolean readsWhileAnswering() {
        return bodyRoute != null && pending.streaming();
    }

    /**
     * Whether the exchange waits for the peer to read: an answer being sent, or a piece of the body the route could
     * not write back yet (a body still arriving for a route that has written back all it was shown is not).
     */
    boolean awaitsOutput() {
        return busyWith == WRITING_LARGE && (!readsWhileAnswering() || pieceHeld);
    }

    /**
     * Whether the connection closes once its answers are out: the input ended (all of it taken, if a body is being
     * streamed back: its rest will never come) and nothing is owed but what is queued.
     */
    boolean inputOver(int unconsumed) {
        return connection.inputEnded() && (busyWith == null || readsWhileAnswering() && unconsumed == 0);
    }

    /**
     * Writes as much of {@code piece} as the output takes now, at most what one output buffer holds with its
     * chunk framing, to a body begun with {@link #beginBody} (as {@link #writeBody(ByteView)} does, whole or not
     * at all): what a route streaming its request's body back writes, and returns, from {@link Route#onBodyPiece}.
     *
     * @param piece the bytes, copied now
     * @return how many of them were written, from the start; 0 when the output has no room now
     *         ({@link Route#onWritable} follows when it has)
     */
    public int writeBodyPart(ByteView piece) {
        int n = Math.min(piece.length(), pending.largestPiece(scratch.outputCapacity));
        return writeBody(piece.buffer(), piece.offset(), n) ? n : 0;
    }

    /**
     * {@return the peer's address and port, read when the connection was accepted; allocates nothing (its
     * {@link PeerAddress#toSocketAddress()} does). Valid during the route's call, on any thread serving it}
     */
    public PeerAddress peerAddress() {
        assert connection.inServingThread() : notServing("peerAddress");
        return connection.peerAddress();
    }

    /**
     * Keeps a number for the request being answered (what {@link #queryNumber} found, say), for a later call:
     * after a task, a move, a timer, a body in pieces or a hand-off, when the request's views are gone.
     *
     * @param value anything; kept until the next {@code note}, even across requests (not reset)
     */
    public void note(long value) {
        assert connection.inServingThread() : notServing("note");
        note = value;
    }

    /** {@return the number last kept with {@link #note(long)}: never reset, so read only after keeping one} */
    public long note() {
        return note;
    }


    /**
     * Claims a worker slot for a task; fill the payload, then {@link #commitTask(Route)}, with nothing else in
     * between. The answer comes in {@link Route#onTaskDone}, on this loop.
     *
     * @param taskType an id the route registered ({@link Route#registerTasks})
     * @return the payload, or null when workers are saturated: answer {@link HttpResponse#SERVICE_UNAVAILABLE}
     */
    public TaskPayload tryOffload(int taskType) {
        assert connection.inServingThread() : notServing("tryOffload");
        TaskPayload payload = connection.tryClaimTask(taskType);
        claimOpen = payload != null;
        return payload;
    }

    /**
     * Publishes the task claimed by {@link #tryOffload}; {@code route} answers in {@link Route#onTaskDone}.
     *
     * @param route the route to call when the task is done, usually the one calling this
     * @throws IllegalStateException when no task is claimed
     */
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
     * comes back to its loop for the next request (or closes, if not kept alive). Read what the route needs of
     * the request first: its views are gone on the worker.
     *
     * @param route the route whose {@link BlockingRoute#serve} runs on the worker
     * @return false when no worker can take it now: answer {@link HttpResponse#SERVICE_UNAVAILABLE}
     */
    public boolean handOff(BlockingRoute route) {
        assert connection.inServingThread() : notServing("handOff");
        leaving();
        if (!connection.handOff(HttpBlocking.INSTANCE)) {
            return false;
        }
        busyWith = route;
        return true;
    }

    /**
     * Moves the connection into a worker's event loop, where {@code route} goes on with this request in
     * {@link Route#onArrived}. Read what the route needs of the request first: its views are gone there.
     *
     * @param route the route whose {@link Route#onArrived} goes on there
     * @return false when no worker can take it now: answer {@link HttpResponse#SERVICE_UNAVAILABLE}
     */
    public boolean moveToWorker(Route route) {
        assert connection.inServingThread() : notServing("moveToWorker");
        leaving();
        if (!connection.moveToWorker()) {
            return false;
        }
        busyWith = route;
        return true;
    }

    /**
     * On a worker's loop: sends the connection home once this call returns, after its answer; the next request
     * is served there.
     *
     * @return false when it is home already or has a task in flight: it stays
     */
    public boolean moveHome() {
        assert connection.inServingThread() : notServing("moveHome");
        leaving();
        return connection.moveHome();
    }

    /** Body buffers belong to a loop: a connection leaving it cannot hold one (the body is valid for the call). */
    private void leaving() {
        if (pending.holdsBuffer()) {
            throw new IllegalStateException("the answer is still being sent from a body buffer of this loop");
        }
        releaseBody();
    }

    /**
     * Calls {@link Route#onTimer} of {@code route} in {@code delayMs} milliseconds, on the thread serving the
     * connection; replaces an earlier timer, the kit's own timeout for the connection included.
     *
     * @param route   the route answering this request, which the timer calls
     * @param delayMs from now, 1 ms resolution; a move or a hand-off cancels it
     */
    public void setTimer(Route route, long delayMs) {
        assert connection.inServingThread() : notServing("setTimer");
        busyWith = route;
        timeout = HttpHandler.TIMEOUT_NONE; // the route's now, not one of the handler's timeouts
        connection.setTimer(delayMs);
    }

    /**
     * From a blocking route: the request's body, read from the connection as it arrives (chunked framing
     * removed), ending at the body's end. What the route leaves unread is read past once it returns.
     *
     * @param blocking the connection in blocking mode, as {@link BlockingRoute#serve} was given it
     * @return the stream, this exchange's own, reused by later requests: valid until the route returns. Its
     *         reads throw {@link java.io.EOFException} when the peer closes before the body's end, and an
     *         {@link IOException} for bad chunk framing; closing it does nothing
     */
    public InputStream bodyStream(BlockingConnection blocking) {
        assert connection.inServingThread() : notServing("bodyStream");
        if (stream == null) {
            stream = new HttpBodyStream(this); // once per context: it is reused by later requests
        }
        return stream.open(blocking);
    }

    /**
     * From a blocking route: writes the answer on the blocking connection, in the form this request needs.
     *
     * @param blocking the connection in blocking mode, as {@link BlockingRoute#serve} was given it
     * @param response the answer, pre-encoded
     * @throws IOException when the connection fails (the peer reset, or stopped reading): let it through
     */
    public void respond(BlockingConnection blocking, HttpResponse response) throws IOException {
        respond(blocking, response, keepAlive());
    }

    /**
     * From a blocking route: answers with {@code length} bytes of {@code body} from {@code offset}, with the
     * headers set by {@link #addHeader}.
     *
     * @param blocking    the connection in blocking mode, as {@link BlockingRoute#serve} was given it
     * @param status      the status code, 100..599
     * @param contentType the Content-Type, or null for none; checked as {@link #addHeader} checks a value
     * @param body        the bytes, written before this returns
     * @param offset      where the body starts in {@code body}
     * @param length      the body's length in bytes
     * @throws IOException when the connection fails (the peer reset, or stopped reading): let it through
     */
    public void respond(BlockingConnection blocking, int status, CharSequence contentType, byte[] body, int offset,
            int length) throws IOException {
        assert connection.inServingThread() : notServing("respond");
        encodeHead(status, contentType, length, keepAlive());
        answering(status);
        blocking.write(scratch.head.array(), 0, scratch.head.position());
        if (!isHead()) {
            blocking.write(body, offset, length);
        }
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
        blocking.write(response.tail(), 0, response.tailLength(isHead()));
    }

    /**
     * From a blocking route: writes a status line and headers announcing a body of {@code length} bytes, which
     * the route then writes itself on {@code blocking}, exactly that many (none for a HEAD request).
     *
     * @param blocking the connection in blocking mode, as {@link BlockingRoute#serve} was given it
     * @param head     the head, pre-encoded
     * @param length   the body's length in bytes, at least 0
     * @throws IOException when the connection fails (the peer reset, or stopped reading): let it through
     */
    public void respondHead(BlockingConnection blocking, HttpResponse.Head head, long length) throws IOException {
        assert connection.inServingThread() : notServing("respondHead");
        answering(head.status());
        head.write(blocking, length, form(keepAlive()), date.line());
    }
}
