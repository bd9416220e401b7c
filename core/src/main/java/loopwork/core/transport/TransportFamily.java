package loopwork.core.transport;

import java.io.IOException;


/**
 * One kit's transport: makes its threads' pollers and, through them, its accept loops' listeners, and owns
 * the state of every connection of every accept loop's pool, which any of its pollers may serve.
 *
 * <p>Not thread-safe: pollers and listeners are made by the thread building the kit, before any thread
 * starts; {@link #close()} comes after every thread ended.
 */
public abstract class TransportFamily implements AutoCloseable {

    TransportFamily() {
    }


    /** A loop's poller, which reports readiness to {@code readiness} and may be woken from other threads. */
    public abstract Poller newPoller(Readiness readiness) throws IOException;

    /** A worker's blocking poller: a wait on the one connection it serves, which reports nothing. */
    public abstract Poller newBlockingPoller() throws IOException;

    /**
     * A poller that only reads, writes and looks whether a connection is open, for one virtual thread serving a
     * hand-off ({@code --sync-threads virtual}): it never waits (a wait in a system call would pin the carrier),
     * holds no descriptor, and may be made while the kit runs, by the worker that grows its pool of them.
     */
    public abstract Poller newIoPoller();

    /** Frees the connections' state; after every thread using this family has ended. */
    @Override
    public abstract void close();
}
