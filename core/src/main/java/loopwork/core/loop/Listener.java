package loopwork.core.loop;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import loopwork.core.Transport;

/**
 * An accept loop's listening socket, bound with SO_REUSEPORT so that every loop binds the same address and
 * the kernel spreads connections among them. It accepts one connection at a time and holds it until it is
 * given to a context's endpoint or refused.
 *
 * <p>Not thread-safe: owned by its accept loop (bound by the thread building the kit, before the loop starts).
 */
abstract sealed class Listener permits NioListener, EpollListener {

    static final int ACCEPTED = 1;
    static final int NONE = 0;
    static final int FAILED = -1;

    static Listener open(Transport transport) throws IOException {
        return transport == Transport.EPOLL ? new EpollListener() : new NioListener();
    }

    /**
     * Binds and listens, then has {@code poller} watch for connections; the address it got. With
     * {@code deferAcceptSeconds} > 0 (epoll only, which the kit's settings ensure), a connection waits in
     * the kernel until its first bytes arrive or the time is up.
     */
    abstract InetSocketAddress bind(InetSocketAddress address, int backlog, int deferAcceptSeconds, Poller poller)
            throws IOException;

    /**
     * TCP_DEFER_ACCEPT from now on, for connections completed after it: {@code seconds} at most, 0 for none.
     * False when it could not be set, as NIO never can.
     */
    abstract boolean deferAccept(int seconds);

    /** Takes the next waiting connection: {@link #ACCEPTED}, {@link #NONE} waiting, or {@link #FAILED}. */
    abstract int accept(Poller serving);

    /** Why the last accept failed, for the log. */
    abstract String failure();

    /** Gives the accepted connection to {@code endpoint}, with TCP_NODELAY; false if it is gone already. */
    abstract boolean handTo(Endpoint endpoint, Poller serving);

    /**
     * Answers the accepted connection with {@code answer} and closes it. What already arrived is read first
     * (into {@code scratch}) so that closing sends FIN, not a reset that could drop the answer.
     */
    abstract void refuse(Poller serving, ByteBuffer scratch, long scratchAddress, ByteBuffer answer, long answerAddress);

    /**
     * Whether the poller reports new connections: off for a while after accepting failed. False when turning
     * it back on failed (the kernel out of memory for epoll's watches, typically): try again later.
     */
    abstract boolean watch(Poller poller, boolean accepting);

    abstract void close(Poller serving);
}
