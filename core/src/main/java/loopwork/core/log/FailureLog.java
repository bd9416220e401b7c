package loopwork.core.log;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/**
 * Logs failures (a handler that threw, a loop cycle that failed) with their stack traces, at most
 * {@link #BURST} at once and then one a second: a token bucket of {@code burst} tokens, one added every
 * {@code refillNs}. A failure that finds the bucket empty is only counted, and the next line logged says
 * how many went unlogged before it; so does {@link #reportSuppressed()}, which a loop calls every cycle so
 * that the count comes out once the flood is over, even if no failure follows.
 *
 * <pre>{@code
 * if (failures.tryAcquire()) {                          // allocates nothing, logged or not
 *     failures.log(name + ": handler failed", error);   // builds the message only when it is logged
 * }
 * }</pre>
 *
 * <p>Not thread-safe: owned by one thread (a loop or a worker); each has its own.
 */
public final class FailureLog {

    /** Failures logged at once before the limit applies. */
    public static final int BURST = 10;
    /** After the burst: one failure logged a second. */
    public static final long REFILL_NS = 1_000_000_000L;

    private final Logger logger;
    private final int burst;
    private final long refillNs;
    /** When the bucket is full again: one {@code refillNs} later for each token taken (compared by subtraction). */
    private long fullAtNs;
    private long suppressed;

    /** A log to the {@link System.Logger} {@code loggerName}, with the default limit. */
    public FailureLog(String loggerName) {
        this(System.getLogger(loggerName), BURST, REFILL_NS, System.nanoTime());
    }

    /** A log to {@code logger} of at most {@code burst} failures at once, then one every {@code refillNs}. */
    public FailureLog(Logger logger, int burst, long refillNs, long nowNs) {
        if (burst < 1 || refillNs < 1) {
            throw new IllegalArgumentException("burst " + burst + " and refill " + refillNs + " ns must be positive");
        }
        this.logger = logger;
        this.burst = burst;
        this.refillNs = refillNs;
        this.fullAtNs = nowNs;
    }

    /** Whether a failure now may be logged: takes a token, or counts the failure as suppressed. */
    public boolean tryAcquire() {
        return tryAcquire(System.nanoTime());
    }

    /** {@link #tryAcquire()} at {@code nowNs} (of {@link System#nanoTime()}'s clock, or a test's). */
    public boolean tryAcquire(long nowNs) {
        if (take(nowNs)) {
            return true;
        }
        suppressed++;
        return false;
    }

    /** Logs a failure that {@link #tryAcquire} let through, after saying how many were not logged before it. */
    public void log(String message, Throwable error) {
        if (suppressed > 0) {
            logSuppressed();
        }
        logger.log(Level.ERROR, message, error);
    }

    /** Says how many failures went unlogged, once a token is free; reads no clock when none did. */
    public void reportSuppressed() {
        if (suppressed > 0) {
            reportSuppressed(System.nanoTime());
        }
    }

    /** {@link #reportSuppressed()} at {@code nowNs}. */
    public void reportSuppressed(long nowNs) {
        if (suppressed > 0 && take(nowNs)) {
            logSuppressed();
        }
    }

    /** Failures counted but not logged since the last line. */
    public long suppressed() {
        return suppressed;
    }

    private void logSuppressed() {
        logger.log(Level.ERROR, suppressed + " more failures not logged (at most " + burst + " at once, then one every "
                + refillNs / 1_000_000 + " ms)");
        suppressed = 0;
    }

    /** Takes a token if one is left: the bucket holds one while it is due full no more than burst - 1 refills ahead. */
    private boolean take(long nowNs) {
        long from = fullAtNs - nowNs > 0 ? fullAtNs : nowNs;
        if (from - nowNs > (long) (burst - 1) * refillNs) {
            return false;
        }
        fullAtNs = from + refillNs;
        return true;
    }
}
