package loopwork.http;

import java.nio.ByteBuffer;

import loopwork.core.Connection;
import loopwork.core.TaskPayload;

/**
 * The HTTP state of one connection and the request being answered on it: what the parser found, and the
 * ways to answer. One per context of a loop's pool, made at start-up and reused for every request.
 *
 * <p>Not thread-safe: owned by the event loop of its connection.
 */
public final class HttpExchange {

    static final int GET = 1;
    static final int HEAD = 2;
    static final int OTHER = 3;

    private final HttpStats stats;
    Connection connection;

    // The request, as parsed.
    int method;
    int versionMinor;
    boolean closeRequested;
    boolean keepAliveRequested;
    long contentLength;
    boolean hasTransferEncoding;
    int hostHeaders;
    /** Where the path starts and ends in the input; valid only during {@link Route#onRequest}. */
    int pathStart;
    int pathEnd;
    private ByteBuffer input;

    // Progress of the connection.
    long bodyToSkip;
    boolean responded;
    Route awaitingTaskOf;
    private boolean claimOpen;

    HttpExchange(HttpStats stats) {
        this.stats = stats;
    }

    /** Resets the request fields before the next one is parsed. */
    void startRequest(ByteBuffer in) {
        input = in;
        method = OTHER;
        versionMinor = 1;
        closeRequested = false;
        keepAliveRequested = false;
        contentLength = -1;
        hasTransferEncoding = false;
        hostHeaders = 0;
        pathStart = 0;
        pathEnd = 0;
        responded = false;
    }

    /** Forgets everything when the connection closes. */
    void reset() {
        connection = null;
        input = null;
        bodyToSkip = 0;
        awaitingTaskOf = null;
        claimOpen = false;
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

    /** Whether the connection stays open after this answer. */
    public boolean keepAlive() {
        return !closeRequested && (versionMinor >= 1 || keepAliveRequested);
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

    /** Answers with a pre-encoded response; closes the connection after it unless it is kept alive. */
    public void respond(HttpResponse response) {
        respond(response, keepAlive());
    }

    /** Answers with a response built now (this allocates: for operations endpoints, not hot paths). */
    public void respond(int status, String reason, String contentType, byte[] body) {
        respond(new HttpResponse(status, reason, "", contentType, body));
    }

    void respond(HttpResponse response, boolean keepAlive) {
        if (responded) {
            throw new IllegalStateException("request already answered");
        }
        responded = true;
        int form = !keepAlive ? HttpResponse.CLOSE : versionMinor == 0 ? HttpResponse.KEEP_ALIVE_10
                : HttpResponse.KEEP_ALIVE;
        stats.responded(response.status());
        if (!connection.write(response.bytes(form), 0, response.length(form, method == HEAD))) {
            stats.overflowed();
            connection.close(); // a dynamic answer larger than the output buffer while the peer does not read
            return;
        }
        if (!keepAlive) {
            connection.closeAfterWrite();
        }
    }

    /**
     * Claims a worker slot for a task; fill the payload, then {@link #commitTask()}. The answer comes in
     * {@link Route#onTaskDone}.
     *
     * @return the payload, or null when workers are saturated: answer {@link HttpResponse#SERVICE_UNAVAILABLE}
     */
    public TaskPayload tryOffload(int taskType) {
        TaskPayload payload = connection.tryClaimTask(taskType);
        claimOpen = payload != null;
        return payload;
    }

    /** Publishes the task claimed by {@link #tryOffload}. */
    public void commitTask(Route route) {
        if (!claimOpen) {
            throw new IllegalStateException("no task claimed");
        }
        claimOpen = false;
        connection.commitTask();
        awaitingTaskOf = route;
    }
}
