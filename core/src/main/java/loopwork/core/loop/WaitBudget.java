package loopwork.core.loop;

import java.net.SocketTimeoutException;

import loopwork.core.HandOffLimits;

/**
 * What a hand-off may still spend waiting for its peer, by {@link HandOffLimits}: at most the stall limit
 * per wait, and in all the stall limit plus a second per {@code minBytesPerSecond} bytes the peer moved.
 * Reset for each hand-off.
 *
 * <p>Not thread-safe: owned by its worker.
 */
final class WaitBudget {

    private final long stallNanos;
    private final long minBytesPerSecond;
    private long movedBytes;
    private long waitedNanos;

    WaitBudget(HandOffLimits limits) {
        this.stallNanos = limits.stallMillis() * 1_000_000;
        this.minBytesPerSecond = limits.minBytesPerSecond();
    }

    void reset() {
        movedBytes = 0;
        waitedNanos = 0;
    }

    /** The peer sent or took {@code bytes}. */
    void moved(int bytes) {
        movedBytes += bytes;
    }

    /** How long the next wait may last, at most the stall limit; fails if the peer has spent its credit. */
    long nextWaitNanos() throws SocketTimeoutException {
        if (minBytesPerSecond == 0) {
            return stallNanos;
        }
        // A double: bytes times 10^9 overflows a long past 9 GB; nanosecond rounding does not matter here.
        double credit = stallNanos + movedBytes * 1e9 / minBytesPerSecond - waitedNanos;
        if (credit <= 0) {
            throw tooSlow();
        }
        return (long) Math.min(credit, stallNanos);
    }

    /** A wait ended after {@code nanos}, by the peer or by its bound. */
    void waited(long nanos) {
        waitedNanos += nanos;
    }

    /** The failure of a wait that reached {@code limitNanos}, from {@link #nextWaitNanos()}. */
    SocketTimeoutException expired(long limitNanos) {
        return limitNanos < stallNanos ? tooSlow()
                : new SocketTimeoutException("peer idle for " + stallNanos / 1_000_000 + " ms");
    }

    private SocketTimeoutException tooSlow() {
        return new SocketTimeoutException("peer slower than " + minBytesPerSecond + " bytes/s: " + movedBytes
                + " bytes moved");
    }
}
