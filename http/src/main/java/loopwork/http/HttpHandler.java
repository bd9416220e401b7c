package loopwork.http;

import java.nio.ByteBuffer;

import loopwork.core.Connection;
import loopwork.core.ConnectionHandler;
import loopwork.core.LoopInfo;
import loopwork.core.TaskPayload;

/**
 * HTTP/1.1 on one loop (an accept loop, or a worker's loop for connections moved there): parses each
 * request where it lies in the input, routes it, reads past its body, and answers in order. A request
 * whose route is still answering (a task, a hand-off, a move, a timer) holds back the requests pipelined
 * after it; their bytes stay in the connection's input. Per-connection state is the {@link HttpExchange}
 * attached to each context when it first opens and kept with it, so a worker's handler can serve a connection
 * moved to it.
 *
 * <p>The connection's one timer is the route's while a route is answering (none unless the route sets
 * one), and otherwise stands for the timeout that applies: the header timeout while a head is arriving
 * (from its first byte, so trickling does not extend it; armed only for a head that did not come whole),
 * the idle timeout once per body, the write timeout while answers wait for the peer to read, the idle
 * timeout between requests.
 *
 * <p>Not thread-safe: owned by its loop; each connection's exchange is adopted only on the thread serving
 * it (asserted).
 */
final class HttpHandler implements ConnectionHandler {

    /** None of the handler's timeouts runs: a route is answering, with a timer of its own or none. */
    static final int TIMEOUT_NONE = 0;
    static final int TIMEOUT_HEAD = 1;
    static final int TIMEOUT_WRITE = 2;
    static final int TIMEOUT_IDLE = 3;
    static final int TIMEOUT_BODY = 4;
    /** Output room a request may need before it is parsed: its answer, after a 100 Continue. */
    private static final int ANSWER_ROOM = HttpExchange.WRITE_CHUNK + HttpResponse.CONTINUE.length;

    private final Routes routes;
    private final HttpLimits limits;
    private final HttpStats stats;
    private final HttpDate date = new HttpDate();
    private final HttpScratch scratch;
    private final BodyBuffers bodies;
    private final BodyReader bodyReader;
    private final RequestDispatch requests;
    private final int inputCapacity;

    HttpHandler(LoopInfo loop, Routes routes, HttpLimits limits, HttpStats stats, int bodyBuffers,
            int largeBodyBuffers) {
        if (loop.outputCapacity() < ANSWER_ROOM) { // no request could ever be parsed: refuse at build, not at run
            throw new IllegalArgumentException("HTTP needs an output buffer of at least " + ANSWER_ROOM
                    + " bytes (an answer after a 100 Continue), not " + loop.outputCapacity());
        }
        this.routes = routes;
        this.limits = limits;
        this.stats = stats;
        this.inputCapacity = loop.inputCapacity();
        this.scratch = new HttpScratch(loop.outputCapacity());
        // A blocking worker gathers no bodies: it reads them from the connection as they come.
        boolean gathers = loop.isEventLoop();
        this.bodies = new BodyBuffers(gathers ? bodyBuffers : 0, gathers ? largeBodyBuffers : 0, inputCapacity,
                limits.maxBodyBytes());
        this.requests = new RequestDispatch(routes, stats, scratch, bodies, inputCapacity);
        this.bodyReader = new BodyReader(requests, limits.maxBodyBytes());
        stats.bodyBuffers(bodies);
    }

    /** This thread serves the exchange now: its counters, Date line, scratch and body buffers are the ones to use. */
    void adopt(HttpExchange exchange) {
        assert stats.claimedBy(Thread.currentThread()) : "HTTP counters of another thread's handler used on "
                + Thread.currentThread().getName();
        assert exchange.connection.inServingThread() : "connection " + exchange.connection.id()
                + " adopted on " + Thread.currentThread().getName() + ", which does not serve it";
        exchange.stats = stats;
        exchange.date = date;
        exchange.scratch = scratch;
        exchange.routes = routes;
        exchange.bodies = bodies;
        exchange.limits = limits;
    }

    @Override
    public void onOpen(Connection connection) {
        HttpExchange exchange = (HttpExchange) connection.attachment();
        if (exchange == null) { // the context's first connection: its exchange stays with it for the next ones
            exchange = new HttpExchange(stats);
            connection.attach(exchange);
        }
        exchange.connection = connection;
        adopt(exchange);
        // A new connection has the header timeout to send its first request: connect-and-wait is slowloris too.
        exchange.headStarted = true;
        arm(connection, exchange, TIMEOUT_HEAD, limits.headerTimeoutMs());
    }

    @Override
    public void onData(Connection connection, ByteBuffer in) {
        HttpExchange exchange = (HttpExchange) connection.attachment();
        exchange.shown = in;
        boolean writeBlocked = false;
        while ((exchange.busyWith == null || exchange.readsWhileAnswering()) && connection.isOpen()) {
            if (exchange.chunked.isActive() && !exchange.responded && !connection.canWrite(ANSWER_ROOM)) {
                writeBlocked = true; // a bad chunk of an unanswered request needs room for its 400: decode on later
                break;
            }
            int body = bodyReader.read(exchange, in);
            if (body == BodyReader.FAILED) {
                exchange.shown = null;
                rearm(connection, exchange, true); // the answers queued may wait for a peer that does not read
                return;
            }
            if (body == BodyReader.MORE || !in.hasRemaining() || exchange.busyWith != null) {
                break;
            }
            if (!connection.canWrite(ANSWER_ROOM)) {
                writeBlocked = true; // no room for an answer: we are called again when output drains
                break;
            }
            boolean headBegins = !exchange.headStarted; // its first byte is in this read
            exchange.headStarted = true;
            int start = in.position();
            exchange.startRequest(in, start);
            int result = RequestParser.parse(in, start, in.limit(), exchange, limits);
            if (result == RequestParser.INCOMPLETE) {
                if (headBegins) { // armed only now, for a head that did not come whole: this cycle's clock all the same
                    arm(connection, exchange, TIMEOUT_HEAD, limits.headerTimeoutMs());
                }
                if (in.remaining() >= inputCapacity) {
                    fail(exchange, HttpResponse.HEADER_FIELDS_TOO_LARGE);
                }
                break;
            }
            if (result < 0) {
                fail(exchange, HttpResponse.error(result));
                exchange.shown = null;
                rearm(connection, exchange, true); // the error may wait for a peer that does not read
                return;
            }
            exchange.headStarted = false;
            if (exchange.timeout == TIMEOUT_BODY && !exchange.waitingBody) {
                exchange.timeout = TIMEOUT_IDLE; // the last body's window is over: a body of this request gets its own
            }
            if (!requests.take(connection, exchange, in, start, result)) {
                break; // its whole body has yet to come
            }
        }
        exchange.shown = null;
        settle(connection, exchange, in, writeBlocked);
    }

    /**
     * After the requests that could be parsed: close once the answers are out if the input has ended (what
     * is left then is a head cut short) or the server drains and no request is left, and set the timer that
     * applies.
     */
    private void settle(Connection connection, HttpExchange exchange, ByteBuffer in, boolean writeBlocked) {
        boolean ending = (exchange.inputOver(in.remaining()) && !writeBlocked)
                || (connection.draining() && exchange.betweenRequests() && !in.hasRemaining());
        if (ending) {
            connection.closeAfterWrite();
        }
        rearm(connection, exchange, ending || writeBlocked || exchange.awaitsOutput());
    }

    /**
     * The server drains: a connection between requests closes now (once what is queued is sent); one in the middle
     * of a request is answered with {@code Connection: close} and closes after that.
     */
    @Override
    public void onDrain(Connection connection) {
        HttpExchange exchange = (HttpExchange) connection.attachment();
        if (exchange.betweenRequests() && connection.unconsumedInput() == 0) {
            connection.closeAfterWrite();
            rearm(connection, exchange, true); // the last answers may wait for a peer that does not read
        }
    }

    /** A half-close: the requests before it are answered, and the connection closes after the last answer. */
    @Override
    public void onInputEnded(Connection connection) {
        HttpExchange exchange = (HttpExchange) connection.attachment();
        if (exchange.inputOver(connection.unconsumedInput())) {
            connection.closeAfterWrite();
            rearm(connection, exchange, true); // the last answers may wait for a peer that does not read
        } // else: called again once the route has answered
    }

    /** A request we cannot take (or a head that never became one): answer, then close (where is the next?). */
    private static void fail(HttpExchange exchange, HttpResponse response) {
        exchange.respond(response, false);
    }

    /**
     * Sets the timer for the timeout that applies now; while a route answers, stops the one running unless
     * the route set it, so that no idle or header timeout fires into a task that takes longer.
     */
    private void rearm(Connection connection, HttpExchange exchange, boolean waitingToWrite) {
        if (!connection.isOpen()) {
            return;
        }
        if (exchange.busyWith != null && exchange.busyWith != HttpExchange.WRITING_LARGE) {
            if (exchange.timeout != TIMEOUT_NONE) {
                exchange.timeout = TIMEOUT_NONE;
                connection.cancelTimer();
            }
            return;
        }
        if (waitingToWrite) {
            arm(connection, exchange, TIMEOUT_WRITE, limits.writeTimeoutMs());
        } else if (exchange.bodyToSkip > 0 || exchange.chunked.isActive() || exchange.waitingBody) {
            if (exchange.timeout != TIMEOUT_BODY) { // once per body: a trickled body must not extend it
                arm(connection, exchange, TIMEOUT_BODY, limits.idleTimeoutMs());
            }
        } else if (!exchange.headStarted) {
            arm(connection, exchange, TIMEOUT_IDLE, limits.idleTimeoutMs());
        } // else: the header timeout set at the head's first byte keeps running
    }

    private static void arm(Connection connection, HttpExchange exchange, int timeout, long delayMs) {
        exchange.timeout = timeout;
        connection.setTimer(delayMs);
    }

    @Override
    public void onTimer(Connection connection) {
        HttpExchange exchange = (HttpExchange) connection.attachment();
        Route route = exchange.busyWith;
        if (route != null && route != HttpExchange.WRITING_LARGE) {
            route.onTimer(exchange);
            RequestDispatch.answered(exchange);
            rearm(connection, exchange, false);
            return;
        }
        stats.timedOut();
        if (exchange.timeout == TIMEOUT_HEAD && connection.canWrite(HttpExchange.WRITE_CHUNK)) {
            fail(exchange, HttpResponse.REQUEST_TIMEOUT); // it has started a request, or was given time to
        } else if (exchange.timeout == TIMEOUT_WRITE) {
            connection.reset(); // not reading its answers: what the kernel holds for it need not wait for it
        } else {
            connection.close(); // idle between requests, or a body stalled
        }
    }

    @Override
    public void onTaskDone(Connection connection, int taskType, TaskPayload result) {
        HttpExchange exchange = (HttpExchange) connection.attachment();
        Route route = exchange.busyWith;
        if (route == null) {
            return; // its route threw after committing the task: the request had its 500, the connection closes
        }
        exchange.busyWith = null;
        route.onTaskDone(exchange, taskType, result);
        RequestDispatch.answered(exchange);
        rearm(connection, exchange, false);
    }

    @Override
    public void onTaskFailed(Connection connection, int taskType) {
        HttpExchange exchange = (HttpExchange) connection.attachment();
        if (exchange.busyWith == null) {
            return; // as in onTaskDone: answered already
        }
        exchange.busyWith = null;
        exchange.respond(HttpResponse.INTERNAL_SERVER_ERROR, exchange.keepAlive());
        rearm(connection, exchange, false);
    }

    /** The route's task or hand-off waited for a worker past the queue timeout: the server is busy, say so. */
    @Override
    public void onQueueTimeout(Connection connection) {
        HttpExchange exchange = (HttpExchange) connection.attachment();
        if (exchange.busyWith == null) {
            return; // the route threw after committing: its failure was answered already
        }
        exchange.busyWith = null;
        exchange.respond(HttpResponse.SERVICE_UNAVAILABLE, exchange.keepAlive());
        rearm(connection, exchange, false);
    }

    /**
     * Nothing to do: a head that fills the input was answered 431 as it was parsed, so the input is full only
     * of requests pipelined behind one a route is still answering, which are parsed once it has.
     */
    @Override
    public void onInputFull(Connection connection) {
    }

    @Override
    public void onArrived(Connection connection) {
        HttpExchange exchange = (HttpExchange) connection.attachment();
        adopt(exchange);
        Route route = exchange.busyWith;
        if (route != null && !exchange.responded) {
            route.onArrived(exchange);
            RequestDispatch.answered(exchange);
        }
        rearm(connection, exchange, false);
    }

    /** The output drained: a route streaming its answer writes on; an answer being sent goes on. */
    @Override
    public void onWritable(Connection connection) {
        HttpExchange exchange = (HttpExchange) connection.attachment();
        if (exchange.pending.streaming()) {
            exchange.current.onWritable(exchange);
            rearm(connection, exchange, exchange.awaitsOutput());
            return;
        }
        boolean done = exchange.busyWith != HttpExchange.WRITING_LARGE || exchange.continueLarge();
        if (done) {
            exchange.releaseBody();
        }
        rearm(connection, exchange, !done);
    }

    @Override
    public void onSent(Connection connection) { // a region of an answer is all taken: the next one goes, or it is out
        onWritable(connection);
    }

    /**
     * A route (or this handler) threw; the kit logs and counts it. The connection closes, since what the failed
     * call left half done is unknown, but only after the answers queued: a request with nothing of its answer
     * written gets a 500 first; one answered already (the route threw after), or between requests, nothing
     * more. A task the route left running is ignored when it completes.
     */
    @Override
    public void onFailure(Connection connection, Throwable error) {
        HttpExchange exchange = (HttpExchange) connection.attachment();
        if (exchange == null || exchange.connection != connection) {
            return; // failed before it was set up: the kit closes at once
        }
        exchange.busyWith = null;
        exchange.bodyRoute = null;
        if (!exchange.responded && connection.canWrite(HttpExchange.WRITE_CHUNK)) {
            exchange.respond(HttpResponse.INTERNAL_SERVER_ERROR, false);
        } else {
            connection.closeAfterWrite();
        }
        rearm(connection, exchange, true); // the last answers may wait for a peer that does not read
    }

    @Override
    public void onClose(Connection connection) {
        HttpExchange exchange = (HttpExchange) connection.attachment();
        if (exchange != null) {
            exchange.reset();
        }
    }
}
