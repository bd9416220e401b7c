package loopwork.core;

/**
 * How long a connection handed to a worker ({@link Connection#handOff}) may keep that worker waiting for
 * its peer, to read from it or for room to write to it. No single wait lasts over {@code stallMillis}.
 * With a {@code minBytesPerSecond}, the waits also draw on a credit that starts at {@code stallMillis},
 * grows by a second for every {@code minBytesPerSecond} bytes the peer sends or takes, and never exceeds
 * {@code stallMillis}: the peer must keep that pace over any stretch of waiting, so one that trickles a
 * byte now and then cannot hold a worker (there are few) for long, whatever it moved before. Time the
 * handler spends on its own work does not count. A wait past either bound fails with
 * {@link java.net.SocketTimeoutException}, and the connection is closed when the handler returns.
 *
 * <p>Thread-safe: immutable.
 *
 * @param stallMillis       longest single wait for the peer, 1..86400000
 * @param minBytesPerSecond the slowest pace a peer may keep while the worker waits for it; 0 for no minimum
 */
public record HandOffLimits(long stallMillis, long minBytesPerSecond) {

    /** A minute's stall, no minimum pace: what the kit does unless told otherwise. */
    public static final HandOffLimits DEFAULTS = new HandOffLimits(60_000, 0);

    /**
     * Checks the bounds.
     *
     * @throws IllegalArgumentException if {@code stallMillis} is outside 1..86400000 (a day), or
     *                                  {@code minBytesPerSecond} outside 0..2^40
     */
    public HandOffLimits {
        if (stallMillis < 1 || stallMillis > 86_400_000) {
            throw new IllegalArgumentException("stallMillis must be in 1..86400000, not " + stallMillis);
        }
        if (minBytesPerSecond < 0 || minBytesPerSecond > 1L << 40) {
            throw new IllegalArgumentException("minBytesPerSecond must be in 0.." + (1L << 40) + ", not "
                    + minBytesPerSecond);
        }
    }
}
