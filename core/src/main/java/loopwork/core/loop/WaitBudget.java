package loopwork.core.loop;

import java.net.SocketTimeoutException;

import loopwork.core.HandOffLimits;

/**
 * What a hand-off may still spend waiting for its peer, by {@link HandOffLimits}: a credit of the stall
 * limit, spent by waiting, earned back at a second per {@code minBytesPerSecond} bytes the peer moves, and
 * never more than the stall limit, so that a fast start (or the kernel's buffers taking a burst) cannot be
 * banked for a slow trickle later. Reset for each hand-off.
 *
 * <p>Not thread-safe: owned by its worker.
 */
final class WaitBudget {

    private final long stallNanos;
    private final long minBytesPerSecond;
    private long creditNanos;
    private long movedBytes;

    WaitBudget(HandOffLimits limits) {
        this.stallNanos = limits.stallMillis() * 1_000_000;
        this.minBytesPerSecond = limits.minBytesPerSecond();
        reset();
    }

    void reset() {
        creditNanos = stallNanos;
        movedBytes = 0;
    }

    /** The peer sent or took {@code bytes}. */
    void moved(int bytes) {
        movedBytes += bytes;
        if (minBytesPerSecond > 0) { // at most 2^31 * 10^9 before the cap: no overflow
            creditNanos = Math.min(stallNanos, creditNanos + bytes * 1_000_000_000L / minBytesPerSecond);
        }
    }

    /** How long the next wait may last: the stall limit, or the credit left; fails once it is spent. */
    long nextWaitNanos() throws SocketTimeoutException {
        if (minBytesPerSecond == 0) {
            return stallNanos;
        }
        if (creditNanos <= 0) {
            throw tooSlow();
        }
        return creditNanos;
    }

    /** A wait ended after {@code nanos}, by the peer or by its bound. */
    void waited(long nanos) {
        if (minBytesPerSecond > 0) {
            creditNanos -= nanos;
        }
    }

    /** The failure of a wait that lasted its whole {@code limitNanos} from {@link #nextWaitNanos()}. */
    SocketTimeoutException expired(long limitNanos) {
        return limitNanos < stallNanos ? tooSlow()
                : new SocketTimeoutException("peer idle for " + stallNanos / 1_000_000 + " ms");
    }

    private SocketTimeoutException tooSlow() {
        return new SocketTimeoutException("peer slower than " + minBytesPerSecond + " bytes/s: " + movedBytes
                + " bytes moved");
    }
}
