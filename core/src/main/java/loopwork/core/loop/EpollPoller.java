package loopwork.core.loop;

import java.io.IOException;

import loopwork.core.epoll.Epoll;
import loopwork.core.epoll.Errno;
import loopwork.core.epoll.EventFd;
import loopwork.core.epoll.LinuxSockets;

/**
 * A poller over a Linux epoll instance: connections edge-triggered (see {@link EpollEndpoint}), its
 * listener and wake-up eventfd level-triggered. Each registered descriptor carries a
 * 64-bit datum naming what it is: the listener, the wake-up eventfd, or a context as its home loop, pool
 * index and connection generation. The generation tells a stale event (from a connection closed earlier in
 * the same batch, whose context a new connection already took) from a live one, with no lookup table.
 * Also lends its thread's {@link LinuxSockets} (errno and address scratch) to the endpoints it serves.
 *
 * <p>Not thread-safe: owned by its thread, except {@link #wakeup()}.
 */
final class EpollPoller extends Poller {

    static final long LISTENER = -1L;
    static final long WAKEUP = -2L;
    static final int GENERATION_MASK = 0xFFFFF;
    private static final int MAX_EVENTS = 512;

    final Epoll epoll;
    final LinuxSockets sockets = new LinuxSockets();
    /** Wakes the loop from other threads; none for a blocking poller. */
    private final EventFd wakeups;
    private boolean closed;

    EpollPoller(EventLoop loop) throws IOException {
        super(loop);
        epoll = new Epoll(loop != null ? MAX_EVENTS : 1);
        if (loop == null) {
            wakeups = null;
            return;
        }
        EventFd created = new EventFd();
        int added = epoll.add(created.fd(), Epoll.EPOLLIN, WAKEUP);
        if (added < 0) {
            created.close();
            epoll.close();
            throw Errno.exception("epoll_ctl add eventfd", added);
        }
        wakeups = created;
    }

    /** The datum of a connection: its generation, home loop and pool index. */
    static long datum(int generation, int home, int id) {
        return ((long) (generation & GENERATION_MASK) << 44) | ((long) home << 32) | id;
    }

    @Override
    int poll(long timeoutMs) {
        int ready = epoll.poll((int) Math.min(timeoutMs, Integer.MAX_VALUE));
        if (ready < 0) {
            throw new IllegalStateException("epoll_wait failed: " + Errno.describe(-ready));
        }
        if (loop == null) {
            return ready;
        }
        loop.readClock();
        for (int i = 0; i < ready; i++) {
            dispatch(epoll.data(i), epoll.events(i));
        }
        return ready;
    }

    private void dispatch(long data, int events) {
        if (data == LISTENER) {
            loop.onAcceptable();
        } else if (data == WAKEUP) {
            wakeups.reset();
        } else {
            ConnectionContext context = loop.context((int) (data >>> 32) & 0xFFF, (int) data);
            EpollEndpoint endpoint = (EpollEndpoint) context.endpoint;
            if (endpoint.generation != (int) (data >>> 44)) {
                return; // its connection closed earlier in this batch, and the context holds a new one
            }
            if ((events & (Epoll.EPOLLRDHUP | Epoll.EPOLLHUP | Epoll.EPOLLERR)) != 0) {
                endpoint.peerClosing = true; // edge-triggered: this is said once, so remember it
            }
            // An error or hang-up shows as whatever the context waits for: the read or write then fails.
            int ready = ((events & (Epoll.EPOLLIN | Epoll.EPOLLRDHUP | Epoll.EPOLLHUP | Epoll.EPOLLERR)) != 0 ? READ : 0)
                    | ((events & (Epoll.EPOLLOUT | Epoll.EPOLLHUP | Epoll.EPOLLERR)) != 0 ? WRITE : 0);
            loop.onReady(context, ready & endpoint.interest);
        }
    }

    @Override
    void wakeup() {
        wakeups.wake();
    }

    @Override
    void close() {
        if (closed) {
            return; // never twice: the descriptor numbers may belong to someone else by now
        }
        closed = true;
        if (wakeups != null) {
            wakeups.close();
        }
        epoll.close();
    }

    /** Epoll's flags for a connection's {@link Poller#READ} and {@link Poller#WRITE}: edge-triggered (see EpollEndpoint). */
    static int flags(int interest) {
        return Epoll.EPOLLET | Epoll.EPOLLRDHUP | ((interest & READ) != 0 ? Epoll.EPOLLIN : 0)
                | ((interest & WRITE) != 0 ? Epoll.EPOLLOUT : 0);
    }
}
