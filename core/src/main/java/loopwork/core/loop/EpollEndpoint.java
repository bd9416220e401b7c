package loopwork.core.loop;

import java.nio.ByteBuffer;

import loopwork.core.epoll.Errno;
import loopwork.core.epoll.LinuxSockets;

/**
 * A connection on the epoll transport: a plain file descriptor, read into and written from buffer memory by
 * address, registered with at most one epoll set at a time (its accept loop's, its worker loop's, or its
 * worker's blocking one) and only while it waits for something: interest 0 takes it out, as NIO does, so a
 * hang-up cannot keep reporting a connection nobody reads. Nothing here allocates.
 *
 * <p>Edge-triggered: epoll reports a socket when bytes or room arrive, and does not poll it again on the next
 * wait as level-triggered epoll does for every socket it reported (a second {@code tcp_poll} per request).
 * That is safe because epoll also looks at the socket whenever it is added or its interest changes, so
 * resuming a read (input drained) or a write finds what is already there. Two reads may leave something
 * behind with no edge to come: one that fills the buffer, and one that got the last bytes before the peer's
 * end, reported with them (EPOLLRDHUP); both ask epoll to look again, so the next wait reports the rest.
 *
 * <p>Not thread-safe: owned by the thread serving its connection.
 */
final class EpollEndpoint extends Endpoint {

    private final int home;
    private final int id;
    int fd = -1;
    /** Counts the connections this context has held, so an event for an earlier one is recognised. */
    int generation;
    /** What {@link #watching} watches for; 0 when none does. */
    int interest;
    /** Epoll reported the peer's end (or an error): a read that got bytes may not be the last one. */
    boolean peerClosing;
    /** The last write held its tail back for the close (MSG_MORE). */
    private boolean tailHeld;
    private EpollPoller watching;

    EpollEndpoint(ConnectionContext context) {
        this.home = context.home;
        this.id = context.id;
    }

    /** A new connection in this context. */
    void open(int fd) {
        this.fd = fd;
        generation = (generation + 1) & EpollPoller.GENERATION_MASK;
        peerClosing = false;
    }

    @Override
    int read(Poller serving, ByteBuffer dst, long dstAddress) {
        int position = dst.position();
        int room = dst.limit() - position;
        if (room == 0) {
            return 0;
        }
        int n = ((EpollPoller) serving).sockets.read(fd, dstAddress + position, room);
        if (n > 0) {
            dst.position(position + n);
            if ((n == room || peerClosing) && watching != null) {
                rearm(); // more, or the end, may be waiting, and edge-triggered epoll said so already
            }
            return n;
        }
        return n == 0 ? END : failure(n);
    }

    @Override
    int write(Poller serving, ByteBuffer src, long srcAddress, boolean last) {
        int position = src.position();
        int length = src.limit() - position;
        if (length == 0) {
            return 0;
        }
        int n = ((EpollPoller) serving).sockets.send(fd, srcAddress + position, length,
                last ? LinuxSockets.MSG_MORE : 0);
        tailHeld = last;
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

    @Override
    boolean watch(Poller poller, int wanted) {
        EpollPoller target = (EpollPoller) poller;
        if (wanted == 0) {
            unwatch(target);
            return true;
        }
        if (watching == target) {
            if (wanted != interest && target.epoll.modify(fd, EpollPoller.flags(wanted), datum()) < 0) {
                return false;
            }
        } else {
            assert watching == null : "connection " + id + " still watched by another thread's epoll";
            if (target.epoll.add(fd, EpollPoller.flags(wanted), datum()) < 0) {
                return false;
            }
            watching = target;
        }
        interest = wanted;
        return true;
    }

    /** Has epoll look at the socket again: a modify queues an event if it is ready now, edge or not. */
    private void rearm() {
        watching.epoll.modify(fd, EpollPoller.flags(interest), datum());
    }

    @Override
    void unwatch(Poller poller) {
        if (watching == poller) {
            watching.epoll.delete(fd);
            watching = null;
            interest = 0;
        }
    }

    private long datum() {
        return EpollPoller.datum(generation, home, id);
    }

    @Override
    void close(Poller serving, boolean reset) {
        LinuxSockets sockets = ((EpollPoller) serving).sockets;
        if (reset && sockets.lingerZero(fd)) {
            // the close resets it: the tail held back, if any, is dropped with the rest
        } else if (tailHeld) {
            // The FIN goes now, with the tail in its packet. Not left to close: with input unread, close resets
            // the connection instead, and a reset drops what was held back.
            sockets.shutdown(fd, LinuxSockets.SHUT_WR);
        }
        tailHeld = false;
        sockets.close(fd); // which takes it out of its epoll set too
        fd = -1;
        watching = null;
        interest = 0;
    }

    @Override
    boolean isOpen() {
        return fd >= 0;
    }
}
