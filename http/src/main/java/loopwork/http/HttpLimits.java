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

    // Each limit's range, checked here for the kit's users and named by the server's options.
    /** The shortest {@code maxTargetBytes}: room for a short path and query. */
    public static final int MIN_TARGET_BYTES = 16;
    /** The longest {@code maxTargetBytes}, 64 KiB. */
    public static final int MAX_TARGET_BYTES = 65_536;
    /** The largest {@code maxBodyBytes}, 1 GiB (0, the smallest, refuses every body). */
    public static final long MAX_BODY_BYTES = 1L << 30;
    /** The shortest of each timeout, in milliseconds. */
    public static final long MIN_TIMEOUT_MS = 100;
    /** The longest {@code headerTimeoutMs}: an hour. */
    public static final long MAX_HEADER_TIMEOUT_MS = 3_600_000;
    /** The longest {@code idleTimeoutMs}: a day. */
    public static final long MAX_IDLE_TIMEOUT_MS = 86_400_000;
    /** The longest {@code writeTimeoutMs}: an hour. */
    public static final long MAX_WRITE_TIMEOUT_MS = 3_600_000;

    /**
     * Checks each limit against its range, from {@link #MIN_TARGET_BYTES} to the {@code MAX_} constants.
     *
     * @throws IllegalArgumentException naming the limit and its range, for one out of it
     */
    public HttpLimits {
        check("maxTargetBytes", maxTargetBytes, MIN_TARGET_BYTES, MAX_TARGET_BYTES);
        check("maxBodyBytes", maxBodyBytes, 0, MAX_BODY_BYTES);
        check("headerTimeoutMs", headerTimeoutMs, MIN_TIMEOUT_MS, MAX_HEADER_TIMEOUT_MS);
        check("idleTimeoutMs", idleTimeoutMs, MIN_TIMEOUT_MS, MAX_IDLE_TIMEOUT_MS);
        check("writeTimeoutMs", writeTimeoutMs, MIN_TIMEOUT_MS, MAX_WRITE_TIMEOUT_MS);
    }

    private static void check(String name, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in " + min + ".." + max + ", got " + value);
        }
    }

    /** 2 KB targets, 1 MB bodies, 10 s to send a head, 60 s idle, 30 s write stall. */
    public static final HttpLimits DEFAULTS = new HttpLimits(2048, 1 << 20, 10_000, 60_000, 30_000);
}
