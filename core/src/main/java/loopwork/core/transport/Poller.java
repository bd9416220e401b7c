package loopwork.core.transport;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * How one thread waits for its connections and moves their bytes. It watches connections for {@link #READ}
 * and {@link #WRITE}, waits for readiness and reports it to its {@link Readiness}; and it reads, writes and
 * closes any connection of its family by its accept loop ({@code home}) and pool index ({@code id}), with its
 * thread's system-call scratch. A loop's poller (an accept loop's or a worker's) can be woken from other
 * threads; a blocking poller, made with no readiness, is where a worker's blocking handler waits on the one
 * connection it serves, and reports nothing.
 *
 * <p>A connection is the calling thread's to touch: the thread serving it now, as the loop decides. Buffers
 * are direct, and come with their base address (epoll reads into memory by address; NIO ignores it).
 *
 * <p>Not thread-safe: owned by its thread, except {@link #wakeup()}.
 */
public abstract class Poller {

    public static final int READ = 1;
    public static final int WRITE = 4;
    /** What {@link #read} returns at the end of the stream. */
    public static final int END = -1;
    /** What {@link #read} and {@link #write} return on an error, such as a reset. */
    public static final int FAILED = -2;

    Poller() {
    }

    /**
     * Waits up to {@code timeoutMs} (0: not at all) for readiness and reports what is ready to the
     * {@link Readiness}; returns how many were ready. Reads no clock: the loop reads its own.
     */
    public abstract int poll(long timeoutMs);

    /** Any thread: makes a {@link #poll} in progress, or the next one, return at once. */
    public abstract void wakeup();

    /** After a loop's cycle: settle what closing connections left (NIO releases a socket only then). */
    public void tidy() {
    }

    /** After every thread that could wake it has ended. */
    public abstract void close();

    /**
     * The listening socket of accept loop {@code home}, watched by this poller, which accepts into that loop's
     * connections 0 to {@code capacity - 1}; made once per accept loop, before any thread starts.
     */
    public abstract Listener openListener(int home, int capacity) throws IOException;

    /** Reads into {@code dst} from its position: bytes read, 0 if none are waiting, {@link #END} or {@link #FAILED}. */
    public abstract int read(int home, int id, ByteBuffer dst, long dstAddress);

    /**
     * Writes from {@code src} at its position: bytes written (0 if the socket is full), or {@link #FAILED}.
     * {@code last}: the connection closes once these bytes are gone, so the transport may hold a short tail
     * back to leave with the close's FIN, one packet for the peer to take instead of two.
     */
    public abstract int write(int home, int id, ByteBuffer src, long srcAddress, boolean last);

    /**
     * Has this poller watch the connection for {@code interest} ({@link #READ} | {@link #WRITE}, or 0 for
     * nothing), registering it here first if need be. False when it could not be registered.
     */
    public abstract boolean watch(int home, int id, int interest);

    /** This poller stops watching the connection, if it did: before the connection goes to another thread. */
    public abstract void unwatch(int home, int id);

    /**
     * Closes the connection, which every poller forgets; with {@code reset}, abortively (SO_LINGER 0): the
     * peer gets a reset, and nothing the kernel still held for it is sent.
     */
    public abstract void close(int home, int id, boolean reset);

    public abstract boolean isOpen(int home, int id);
}
