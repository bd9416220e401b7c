package loopwork.core.log;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.ZoneId;
import java.util.function.Supplier;

/**
 * Logs running out of something (file descriptors to accept with, a pool's contexts) at WARNING, at most once an
 * interval: the first shortage is logged at once, the ones within the interval after it only counted, and the
 * count comes out with the next line, or by {@link #reportCounted} once the interval is over, so that a flood of
 * refusals costs one line an interval, not one each (nginx logs every failed {@code accept4()}, which floods
 * the log exactly when the disk and the operator are busiest).
 *
 * <pre>{@code
 * if (shortages.tryLog(nowMs)) {                                  // allocates nothing, logged or not
 *     shortages.log("connection refused, pool full");             // the message built only when logged
 * }
 * ...
 * shortages.reportCounted(clock);                                 // every cycle: reads no clock unless one was counted
 * }</pre>
 *
 * <p>Not thread-safe: owned by one thread (an accept loop); each has its own.
 */
public final class ShortageLog {

    /** By default, one line per shortage kind and loop every 10 s. */
    public static final long INTERVAL_MS = 10_000;

    private final Logger logger;
    /** Who ran short, named when a line is logged: a loop's thread name, which its kit may set after this. */
    private final Supplier<String> source;
    private final String what;
    private final long intervalMs;
    /** When the next line may be logged (compared by subtraction); a shortage before it is only counted. */
    private long nextMs;
    private long counted;

    /**
     * A log to {@code logger} of the shortages of {@code source} (a loop's name), which its count lines describe as
     * {@code what} ("connections refused", say), at most one line every {@code intervalMs}.
     */
    public ShortageLog(Logger logger, Supplier<String> source, String what, long intervalMs, long nowMs) {
        if (intervalMs < 1) {
            throw new IllegalArgumentException("interval " + intervalMs + " ns must be positive");
        }
        this.logger = logger;
        this.source = source;
        this.what = what;
        this.intervalMs = intervalMs;
        this.nextMs = nowMs;
        // Out of descriptors, a log that must open a file fails: the JDK's default format stamps the local time,
        // whose zone rules load from a file the first time, and the logger's back end reads its configuration on
        // its first use. Both are done now, while descriptors are free.
        ZoneId.systemDefault();
        logger.isLoggable(Level.WARNING);
    }

    /** Whether a shortage now may be logged with {@link #log}; if not, it is counted for the next line. */
    public boolean tryLog(long nowMs) {
        if (nowMs - nextMs >= 0) {
            nextMs = nowMs + intervalMs;
            return true;
        }
        counted++;
        return false;
    }

    /** Logs a shortage {@link #tryLog} let through (its source named first), with how many were counted before. */
    public void log(String message) {
        String line = source.get() + ": " + message;
        warn(counted == 0 ? line : line + " (and " + counted + " more " + what + " in the " + interval() + " before)");
        counted = 0;
    }

    /** Logs how many shortages were counted, once the interval after the last line is over; cheap otherwise. */
    public void reportCounted(long nowMs) {
        if (counted > 0 && nowMs - nextMs >= 0) {
            warn(source.get() + ": " + counted + " more " + what + " in the " + interval() + " after the last line");
            counted = 0;
            nextMs = nowMs + intervalMs;
        }
    }

    /**
     * Logs a line; a back end that fails (it needed a descriptor, say, and there is none) loses the line, not the
     * loop that logs it: the shortage is counted in the metrics all the same.
     */
    private void warn(String line) {
        try {
            logger.log(Level.WARNING, line);
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError) {
                throw e;
            }
        }
    }

    private String interval() {
        return intervalMs % 1000 == 0 ? intervalMs / 1000 + " s" : intervalMs + " ms";
    }

    /** Shortages counted but not logged since the last line. */
    public long counted() {
        return counted;
    }
}
