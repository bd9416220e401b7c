package loopwork.core.loop;

import java.io.IOException;

import loopwork.core.Transport;

/**
 * How one thread waits for its sockets: it watches endpoints for {@link #READ} and {@link #WRITE}, waits for
 * readiness with a timeout, and hands each ready connection to its loop. A loop's poller (an accept loop's or a
 * worker's) can be woken from other threads; a blocking poller, made with no loop, is where a worker's
 * blocking handler waits on the one connection it serves, and reports nothing.
 *
 * <p>Not thread-safe: owned by its thread, except {@link #wakeup()}.
 */
abstract sealed class Poller permits NioPoller, EpollPoller {

    static final int READ = 1;
    static final int WRITE = 4;

    /** The loop ready connections go to; null for a blocking poller. */
    final EventLoop loop;

    Poller(EventLoop loop) {
        this.loop = loop;
    }

    static Poller open(Transport transport, EventLoop loop) throws IOException {
        return transport == Transport.EPOLL ? new EpollPoller(loop) : new NioPoller(loop);
    }

    /**
     * Waits up to {@code timeoutMs} (0: not at all) for readiness and hands what is ready to the loop:
     * {@link EventLoop#onAcceptable()} or {@link ConnectionContext#onReady}. Returns how many were ready.
     */
    abstract int poll(long timeoutMs);

    /** Any thread: makes a {@link #poll} in progress, or the next one, return at once. */
    abstract void wakeup();

    /** After a loop's cycle: settle what closing connections left (NIO releases a socket only then). */
    void tidy() {
    }

    abstract void close();

    /** The endpoint kind this poller serves, made once per context when the pool is built. */
    static Endpoint newEndpoint(Transport transport, ConnectionContext context) {
        return transport == Transport.EPOLL ? new EpollEndpoint(context) : new NioEndpoint(context);
    }
}
