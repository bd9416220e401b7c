package loopwork.core.loop;

import java.io.PrintStream;

import loopwork.core.log.FailureLog;
import loopwork.core.metrics.Counter;

/**
 * Where a serving thread reports failures of protocol code: counted, and logged through a rate-limited
 * {@link FailureLog} (a few a second at most, and how many a flood left unlogged once it is over), and each one on
 * the debug output too, when there is one. Messages are built only when written.
 *
 * <p>Not thread-safe: owned by its serving thread.
 */
final class HandlerFailures {

    private final String thread;
    private final Counter count;
    private final PrintStream debug;
    private final FailureLog log = new FailureLog("loopwork.handler");

    HandlerFailures(String thread, Counter count, PrintStream debug) {
        this.thread = thread;
        this.count = count;
        this.debug = debug;
    }

    /** Protocol code failed in {@code call} on connection {@code id}. */
    void failed(int id, String call, Throwable error) {
        count.increment();
        if (debug != null) {
            debug.println(thread + ": handler failed in " + call + " on connection " + id + ": " + error);
        }
        if (log.tryAcquire()) {
            log.log(thread + ": handler failed in " + call + " on connection " + id, error);
        }
    }

    /** Once per cycle: says how many failures went unlogged, once a flood is over; a field read until then. */
    void reportSuppressed() {
        log.reportSuppressed();
    }

    /** The debug output, or null. */
    PrintStream debug() {
        return debug;
    }
}
