package loopwork.core.transport;

import java.io.IOException;
import java.nio.ByteBuffer;

import loopwork.core.epoll.Epoll;
import loopwork.core.epoll.Errno;
import loopwork.core.epoll.EventFd;
import loopwork.core.epoll.LinuxSockets;

/**
 * A poller over a Linux epoll instance: connections edge-triggered, its listener and wake-up eventfd
 * level-triggered. Connections are plain file descriptors, read into and written from buffer memory by
 * address, registered with at most one epoll set at a time (their accept loop's, their worker loop's, or
 * their worker's blocking one) and only while they wait for something: interest 0 takes one out, as NIO
 * does, so a hang-up cannot keep reporting a connection nobody reads. Nothing here allocates.
 *
 * <p>Edge-triggered: epoll reports a socket when bytes or room arrive, and does not poll it again on the next
 * wait as level-triggered epoll does for every socket it reported (a second {@code tcp_poll} per request).
 * That is safe because epoll also looks at the socket whenever it is added or its interest changes, so
 * resuming a read (input drained) or a write finds what is already there. Two reads may leave something
 * behind with no edge to come: one that fills the buffer, and one that got the last bytes before the peer's
 * end, reported with them (EPOLLRDHUP); both ask epoll to look again, so the next wait reports the rest.
 *
 * <p>Each registered descriptor carries a 64-bit datum naming what it is: the listener, the wake-up eventfd,
 * or a connection as its home loop, pool index and generation. The generation tells a stale event (from a
 * connection closed earlier in the same batch, whose pool index a new connection already took) from a live
 * one. A connection's state is in its family's {@link EpollConnections}; this poller's system-call scratch
 * ({@link LinuxSockets}) serves every connection its thread serves.
 *
 * <p>Not thread-safe: owned by its thread, except {@link #wakeup()}.
 */
final class EpollPoller extends Poller {

    static final long LISTENER = -1L;
    static final long WAKEUP = -2L;
    static final int MAX_HOMES = 1 << 12;
    private static final int MAX_EVENTS = 512;

    final Epoll epoll;
    final LinuxSockets sockets = new LinuxSockets();
    /** This poller's number in its family, 1 and up: a connection's state names its watcher so. */
    final int number;
    private final EpollTransport family;
    /** Where ready connections go; null for a blocking poller. */
    private final Readiness readiness;
    /** Wakes the loop from other threads; none for a blocking poller. */
    private final EventFd wakeups;
    private boolean closed;

    EpollPoller(EpollTransport family, int number, Readiness readiness) throws IOException {
        this.family = family;
        this.number = number;
        this.readiness = readiness;
        epoll = new Epoll(readiness != null ? MAX_EVENTS : 1);
        if (readiness == null) {
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

    /** A poller with no epoll set, that only reads, writes and closes ({@link TransportFamily#newIoPoller()}). */
    EpollPoller(EpollTransport family) {
        this.family = family;
        this.number = 0;
        this.readiness = null;
        this.epoll = null;
        this.wakeups = null;
    }

    @Override
    public Listener openListener(int home, int capacity) {
        assert readiness != null : "a blocking poller reports no connections";
        return new EpollListener(this, family.addHome(home, capacity));
    }

    @Override
    public int poll(long timeoutMs) {
        int ready = epoll.poll((int) Math.min(timeoutMs, Integer.MAX_VALUE));
        if (ready < 0) {
            throw new IllegalStateException("epoll_wait failed: " + Errno.describe(-ready));
        }
        if (readiness != null) {
            for (int i = 0; i < ready; i++) {
                dispatch(epoll.data(i), epoll.events(i));
            }
        }
        return ready;
    }

    private void dispatch(long data, int events) {
        if (data == LISTENER) {
            readiness.onAcceptable();
        } else if (data == WAKEUP) {
            wakeups.reset();
        } else {
            int home = (int) (data >>> 32) & (MAX_HOMES - 1);
            int id = (int) data;
            EpollConnections connections = family.connections(home);
            if (connections.generation(id) != (int) (data >>> 44)) {
                return; // its connection closed earlier in this batch, and a new one holds its pool index
            }
            if ((events & (Epoll.EPOLLRDHUP | Epoll.EPOLLHUP | Epoll.EPOLLERR)) != 0) {
                connections.flag(id, EpollConnections.PEER_CLOSING, true); // edge-triggered: said once, so kept
            }
            // An error or hang-up shows as whatever the loop waits for: the read or write then fails.
            int ready = ((events & (Epoll.EPOLLIN | Epoll.EPOLLRDHUP | Epoll.EPOLLHUP | Epoll.EPOLLERR)) != 0 ? READ : 0)
                    | ((events & (Epoll.EPOLLOUT | Epoll.EPOLLHUP | Epoll.EPOLLERR)) != 0 ? WRITE : 0);
            ready &= connections.interest(id);
            if (ready != 0) {
                readiness.onReady(home, id, ready);
            }
        }
    }

    @Override
    public int read(int home, int id, ByteBuffer dst, long dstAddress) {
        int position = dst.position();
        int room = dst.limit() - position;
        if (room == 0) {
            return 0;
        }
        EpollConnections connections = family.connections(home);
        int n = sockets.read(connections.fd(id), dstAddress + position, room);
        if (n > 0) {
            dst.position(position + n);
            if (n == room || connections.is(id, EpollConnections.PEER_CLOSING)) {
                rearm(connections, home, id); // more, or the end, may be waiting, and epoll said so already
            }
            return n;
        }
        return n == 0 ? END : failure(n);
    }

    @Override
    public int write(int home, int id, ByteBuffer src, long srcAddress, boolean last) {
        int position = src.position();
        int length = src.limit() - position;
        if (length == 0) {
            return 0;
        }
        EpollConnections connections = family.connections(home);
        int n = sockets.send(connections.fd(id), srcAddress + position, length, last ? LinuxSockets.MSG_MORE : 0);
        connections.flag(id, EpollConnections.TAIL_HELD, last);
        if (n >= 0) {
            src.position(position + n);
            return n;
        }
        return failure(n);
    }

    /** What a read or write that returned {@code -errno} tells its caller: 0 if it would only have blocked. */
    private static int failure(int negativeErrno) {
        return negativeErrno == -Errno.EAGAIN || negativeErrno == -Errno.EINTR ? 0 : FAILED;
    }

    /** Has the watching epoll look at the socket again: a modify queues an event if it is ready now, edge or not. */
    private void rearm(EpollConnections connections, int home, int id) {
        int watcher = connections.watcher(id);
        if (watcher != 0) {
            family.poller(watcher).epoll.modify(connections.fd(id), flags(connections.interest(id)),
                    datum(connections, home, id));
        }
    }

    @Override
    public boolean watch(int home, int id, int wanted) {
        assert epoll != null : "an I/O-only poller watches nothing";
        if (wanted == 0) {
            unwatch(home, id);
            return true;
        }
        EpollConnections connections = family.connections(home);
        int fd = connections.fd(id);
        int watcher = connections.watcher(id);
        if (watcher == number) {
            if (wanted != connections.interest(id) && epoll.modify(fd, flags(wanted), datum(connections, home, id)) < 0) {
                return false;
            }
        } else {
            assert watcher == 0 : "connection " + id + " still watched by another thread's epoll";
            if (epoll.add(fd, flags(wanted), datum(connections, home, id)) < 0) {
                return false;
            }
        }
        connections.watched(id, number, wanted);
        return true;
    }

    @Override
    public void unwatch(int home, int id) {
        if (epoll == null) {
            return; // an I/O-only poller watches nothing (and 0, its number, is "nobody" in a connection's state)
        }
        EpollConnections connections = family.connections(home);
        if (connections.watcher(id) == number) {
            epoll.delete(connections.fd(id));
            connections.watched(id, 0, 0);
        }
    }

    @Override
    public void close(int home, int id, boolean reset) {
        EpollConnections connections = family.connections(home);
        int fd = connections.fd(id);
        if (reset && sockets.lingerZero(fd)) {
            // the close resets it: the tail held back, if any, is dropped with the rest
        } else if (connections.is(id, EpollConnections.TAIL_HELD)) {
            // The FIN goes now, with the tail in its packet. Not left to close: with input unread, close resets
            // the connection instead, and a reset drops what was held back.
            sockets.shutdown(fd, LinuxSockets.SHUT_WR);
        }
        sockets.close(fd); // which takes it out of its epoll set too
        connections.closed(id);
    }

    @Override
    public boolean isOpen(int home, int id) {
        return family.connections(home).is(id, EpollConnections.OPEN);
    }

    /** The datum of a connection: its generation, home loop and pool index. */
    private static long datum(EpollConnections connections, int home, int id) {
        return ((long) (connections.generation(id) & EpollConnections.GENERATION_MASK) << 44) | ((long) home << 32) | id;
    }

    /** Epoll's flags for a connection's {@link Poller#READ} and {@link Poller#WRITE}: edge-triggered. */
    private static int flags(int interest) {
        return Epoll.EPOLLET | Epoll.EPOLLRDHUP | ((interest & READ) != 0 ? Epoll.EPOLLIN : 0)
                | ((interest & WRITE) != 0 ? Epoll.EPOLLOUT : 0);
    }

    @Override
    public void wakeup() {
        wakeups.wake();
    }

    @Override
    public void close() {
        if (closed) {
            return; // never twice: the descriptor numbers may belong to someone else by now
        }
        closed = true;
        if (wakeups != null) {
            wakeups.close();
        }
        if (epoll != null) {
            epoll.close();
        }
    }
}
