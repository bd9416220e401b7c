package loopwork.core.loop;

import java.nio.ByteBuffer;

/**
 * The socket of one connection context, whichever transport holds it: reads, writes, what a poller watches
 * it for, and close. One per context, made when the pool is built and reused by every connection the
 * context serves. Every call names the poller of the thread serving the connection now, whose system-call
 * scratch it may use. Buffers are direct, and come with their base address (the epoll transport reads into
 * memory by address; NIO ignores it).
 *
 * <p>Not thread-safe: owned by the thread serving its connection, as the context is.
 */
abstract sealed class Endpoint permits NioEndpoint, EpollEndpoint {

    /** What {@link #read} returns at the end of the stream. */
    static final int END = -1;
    /** What {@link #read} and {@link #write} return on an error, such as a reset. */
    static final int FAILED = -2;

    /** Reads into {@code dst} from its position: bytes read, 0 if none are waiting, {@link #END} or {@link #FAILED}. */
    abstract int read(Poller serving, ByteBuffer dst, long dstAddress);

    /**
     * Writes from {@code src} at its position: bytes written (0 if the socket is full), or {@link #FAILED}.
     * {@code last}: the connection closes once these bytes are gone, so the transport may hold a short tail
     * back to leave with the close's FIN, one packet for the peer to take instead of two.
     */
    abstract int write(Poller serving, ByteBuffer src, long srcAddress, boolean last);

    /**
     * Has {@code poller} watch for {@code interest} ({@link Poller#READ} | {@link Poller#WRITE}, or 0 for
     * nothing), registering there first if need be. False when the socket could not be registered.
     */
    abstract boolean watch(Poller poller, int interest);

    /** {@code poller} stops watching: before the connection goes to another thread. */
    abstract void unwatch(Poller poller);

    /**
     * Closes the socket, which every poller forgets; with {@code reset}, abortively (SO_LINGER 0): the peer
     * gets a reset, and nothing the kernel still held for it is sent.
     */
    abstract void close(Poller serving, boolean reset);

    abstract boolean isOpen();
}
