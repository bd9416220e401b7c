package loopwork.core.transport;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

import loopwork.core.epoll.Epoll;
import loopwork.core.epoll.Errno;
import loopwork.core.epoll.Ipv4;
import loopwork.core.epoll.LinuxSockets;
import loopwork.core.epoll.ListeningSockets;

/**
 * A listening socket as a file descriptor: accept4 hands out non-blocking descriptors, with nothing allocated
 * per connection, and with TCP_NODELAY inherited from the listener. IPv4 only, as the bindings are.
 *
 * <p>Not thread-safe: owned by its accept loop, whose poller's scratch it uses; bound by the thread that
 * builds the kit, with its own {@link LinuxSockets} for that.
 */
final class EpollListener extends Listener {

    /** Linux's EPOLLEXCLUSIVE (4.5+): of the epoll sets waiting on one descriptor, wake one, not all. */
    private static final int EPOLLEXCLUSIVE = 1 << 28;

    private final EpollPoller poller;
    private final EpollConnections connections;
    private int fd = -1;
    private int accepted = -1;
    private int failure;
    /** What epoll watches the listener for: EPOLLIN, and EPOLLEXCLUSIVE for a socket others watch too. */
    private int interest = Epoll.EPOLLIN;

    EpollListener(EpollPoller poller, EpollConnections connections) {
        this.poller = poller;
        this.connections = connections;
    }

    @Override
    public InetSocketAddress bind(InetSocketAddress address, int backlog, int deferAcceptSeconds, boolean exclusive)
            throws IOException {
        InetAddress host = address.getAddress();
        if (!(host instanceof Inet4Address)) {
            throw new IOException("the epoll transport listens on IPv4 addresses only, not " + address
                    + " (use the nio transport)");
        }
        LinuxSockets setUp = new LinuxSockets();
        fd = setUp.openListener(Ipv4.of(host.getAddress()), address.getPort(), backlog, true, exclusive);
        try {
            watchNew(setUp, deferAcceptSeconds);
            return new InetSocketAddress(host, setUp.localPort(fd));
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * The socket may be shared: with the other loops of this kit (each has a duplicate descriptor of it) and,
     * during a take-over, with the process that passed it. EPOLLEXCLUSIVE then wakes one waiting loop per
     * connection, not every loop watching it.
     */
    @Override
    public InetSocketAddress adopt(int inherited, int deferAcceptSeconds) throws IOException {
        fd = inherited;
        try {
            ListeningSockets setUp = new ListeningSockets();
            InetSocketAddress address = setUp.listeningAddress(fd);
            setUp.prepare(fd);
            interest = Epoll.EPOLLIN | EPOLLEXCLUSIVE;
            watchNew(new LinuxSockets(), deferAcceptSeconds);
            return address;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void watchNew(LinuxSockets setUp, int deferAcceptSeconds) throws IOException {
        if (deferAcceptSeconds > 0) {
            setUp.setDeferAccept(fd, deferAcceptSeconds);
        }
        int added = poller.epoll.add(fd, interest, EpollPoller.LISTENER);
        if (added < 0) {
            throw Errno.exception("epoll_ctl add listener", added);
        }
    }

    @Override
    public int descriptor() {
        return fd;
    }

    @Override
    public boolean deferAccept(int seconds) {
        return poller.sockets.deferAccept(fd, seconds);
    }

    @Override
    public int accept() {
        for (;;) {
            int result = poller.sockets.accept(fd);
            if (result >= 0) {
                accepted = result;
                return ACCEPTED;
            }
            if (result == -Errno.EAGAIN) {
                return NONE;
            }
            if (!isTransient(-result)) {
                failure = -result; // out of descriptors or memory, typically
                return FAILED;
            }
            // that connection is gone (or a signal came): take the next
        }
    }

    /**
     * Errors of one pending connection, not of the listener: accept(2) says to retry at once on these, as on
     * EAGAIN, since Linux reports the new socket's pending network errors there (and EPERM when a firewall
     * refused it).
     */
    private static boolean isTransient(int errno) {
        return switch (errno) {
            case Errno.ECONNABORTED, Errno.EINTR, Errno.EPROTO, Errno.ENETDOWN, Errno.ENOPROTOOPT, Errno.EHOSTDOWN,
                    Errno.ENONET, Errno.EHOSTUNREACH, Errno.EOPNOTSUPP, Errno.ENETUNREACH, Errno.EPERM -> true;
            default -> false;
        };
    }

    @Override
    public String failure() {
        return Errno.describe(failure);
    }

    @Override
    public boolean acceptInto(int id) {
        connections.open(id, accepted); // TCP_NODELAY already, from the listener
        accepted = -1;
        return true;
    }

    @Override
    public void refuse(ByteBuffer scratch, long scratchAddress, ByteBuffer answer, long answerAddress) {
        LinuxSockets sockets = poller.sockets;
        int connection = accepted;
        accepted = -1;
        sockets.read(connection, scratchAddress, scratch.capacity());
        sockets.write(connection, answerAddress, answer.capacity());
        sockets.shutdown(connection, LinuxSockets.SHUT_WR);
        sockets.close(connection);
    }

    @Override
    public boolean watch(boolean accepting) {
        // Deleting, not modifying to 0: a listener with no interest could still report errors.
        if (accepting) {
            return poller.epoll.add(fd, interest, EpollPoller.LISTENER) >= 0;
        }
        poller.epoll.delete(fd);
        return true;
    }

    @Override
    public void close() {
        if (fd >= 0) {
            poller.sockets.close(fd);
            fd = -1;
        }
    }
}
