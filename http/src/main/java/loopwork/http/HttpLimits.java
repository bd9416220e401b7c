package loopwork.http;

/**
 * What HTTP allows a client, beyond the request head's size (the connection's input buffer).
 *
 * @param maxTargetBytes  longest request-target; longer gets 414
 * @param maxBodyBytes    largest request body (Content-Length, or chunks added up); larger gets 413
 * @param headerTimeoutMs from a connection's opening, or a request's first byte, to the end of its head;
 *                        then 408 and close (slowloris)
 * @param idleTimeoutMs   a kept-alive connection with no request in progress is closed after this
 * @param writeTimeoutMs  answers that the peer does not read for this long close the connection
 */
public record HttpLimits(int maxTargetBytes, long maxBodyBytes, long headerTimeoutMs, long idleTimeoutMs,
        long writeTimeoutMs) {

    /** 2 KB targets, 1 MB bodies, 10 s to send a head, 60 s idle, 30 s write stall. */
    public static final HttpLimits DEFAULTS = new HttpLimits(2048, 1 << 20, 10_000, 60_000, 30_000);
}
