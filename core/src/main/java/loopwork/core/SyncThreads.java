package loopwork.core;

/**
 * What runs a {@link BlockingHandler} once its connection is handed to a worker ({@link Connection#handOff}).
 *
 * <ul>
 *   <li>{@link #PLATFORM}: the worker's own blocking thread, one hand-off at a time: a worker waiting on its
 *       peer, or on the handler's own work, holds every hand-off queued behind it.</li>
 *   <li>{@link #VIRTUAL}: a virtual thread per hand-off, taken from the worker's pool of them, on the JDK's
 *       virtual-thread scheduler; the worker's blocking thread dispatches hand-offs to them and watches, for
 *       those that wait on their peer, the sockets they wait on. A handler that parks (sleeps, locks, waits for
 *       its peer) frees its carrier for the others: a worker serves as many hand-offs at once as its loops send.
 *       Tasks still run on the worker's blocking thread, one at a time, as before. Each wake-up of a parked
 *       virtual thread allocates the JDK scheduler's task (24 B): once per hand-off, once per wait for the peer;
 *       the platform setting allocates nothing.</li>
 * </ul>
 *
 * <p>Thread-safe: an enum.
 */
public enum SyncThreads {
    /** The worker's own blocking thread, one hand-off at a time. */
    PLATFORM,
    /** A virtual thread of the worker's pool per hand-off, as many at once as come. */
    VIRTUAL;

    /**
     * What a kit uses unless told otherwise: virtual, as a worker then serves every hand-off its loops send at
     * once (120 times the requests a second of platform threads, 500 connections each waiting 30 ms), for the
     * JDK scheduler's 24 B task per wake-up of a parked virtual thread: one per hand-off, one per wait for the peer.
     */
    public static final SyncThreads DEFAULT = VIRTUAL;

    /**
     * The name on the command line.
     *
     * @return {@code platform} or {@code virtual}
     */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
