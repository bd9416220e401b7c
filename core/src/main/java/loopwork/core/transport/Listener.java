package loopwork.core.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * An accept loop's listening socket, bound with SO_REUSEPORT so that every loop binds the same address and
 * the kernel spreads connections among them, or inherited ({@link #adopt}); watched by the loop's poller,
 * which made it. It accepts one
 * connection at a time and holds it until it is taken into a connection of the loop's pool or refused.
 *
 * <p>Not thread-safe: owned by its accept loop (bound by the thread building the kit, before the loop starts).
 */
public abstract class Listener {

    public static final int ACCEPTED = 1;
    public static final int NONE = 0;
    public static final int FAILED = -1;

    Listener() {
    }

    /** {@link #bind(InetSocketAddress, int, int, boolean)} joining whatever listens there already. */
    public final InetSocketAddress bind(InetSocketAddress address, int backlog, int deferAcceptSeconds)
            throws IOException {
        return bind(address, backlog, deferAcceptSeconds, false);
    }

    /**
     * Binds and listens, then has its poller watch for connections; the address it got. With
     * {@code deferAcceptSeconds} > 0 (epoll only, which the kit's settings ensure), a connection waits in
     * the kernel until its first bytes arrive or the time is up. With {@code exclusive}, binding fails
     * ({@link java.net.BindException}) if any socket listens on the address already, even one with
     * SO_REUSEPORT; either way, listeners of this user may join this one afterwards.
     */
    public abstract InetSocketAddress bind(InetSocketAddress address, int backlog, int deferAcceptSeconds,
            boolean exclusive) throws IOException;

    /**
     * Serves a listening socket this process inherited (systemd) or took over, instead of binding one: it
     * becomes this listener's, closed with it. Where it listens. Epoll only: Java NIO cannot wrap a file
     * descriptor in a channel, so the others throw.
     */
    public abstract InetSocketAddress adopt(int fd, int deferAcceptSeconds) throws IOException;

    /**
     * The listening socket's file descriptor, to pass to a successor; -1 when there is none to pass (not bound
     * yet, closed, or NIO, which hides it).
     */
    public abstract int descriptor();

    /**
     * TCP_DEFER_ACCEPT from now on, for connections completed after it: {@code seconds} at most, 0 for none.
     * False when it could not be set, as NIO never can.
     */
    public abstract boolean deferAccept(int seconds);

    /** Takes the next waiting connection: {@link #ACCEPTED}, {@link #NONE} waiting, or {@link #FAILED}. */
    public abstract int accept();

    /** Why the last accept failed, for the log. */
    public abstract String failure();

    /**
     * The accepted connection becomes connection {@code id} of this loop's pool, with TCP_NODELAY; false if
     * it is gone already.
     */
    public abstract boolean acceptInto(int id);

    /**
     * Answers the accepted connection with {@code answer} and closes it. What already arrived is read first
     * (into {@code scratch}) so that closing sends FIN, not a reset that could drop the answer.
     */
    public abstract void refuse(ByteBuffer scratch, long scratchAddress, ByteBuffer answer, long answerAddress);

    /**
     * Whether the poller reports new connections: off for a while after accepting failed. False when turning
     * it back on failed (the kernel out of memory for epoll's watches, typically): try again later.
     */
    public abstract boolean watch(boolean accepting);

    /** Closes the listening socket, once; on its loop's thread, or after it ended. */
    public abstract void close();
}
