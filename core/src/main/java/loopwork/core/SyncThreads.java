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
 *       Tasks still run on the worker's blocking thread, one at a time, as before.</li>
 * </ul>
 *
 * <p>Thread-safe: an enum.
 */
public enum SyncThreads {
    PLATFORM,
    VIRTUAL;

    /** What a kit uses unless told otherwise. */
    public static final SyncThreads DEFAULT = VIRTUAL;

    /** The name on the command line. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
