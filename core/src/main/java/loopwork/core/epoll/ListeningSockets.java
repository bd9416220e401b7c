package loopwork.core.epoll;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;

/**
 * Listening sockets this process did not open itself: those systemd passes ({@code LISTEN_FDS}) and those a
 * take-over receives. Checks that a descriptor is a listening TCP socket and where it listens, prepares it for
 * an accept loop (non-blocking, close-on-exec, TCP_NODELAY for the connections it accepts), and duplicates it
 * so that each loop owns a descriptor of its own. Slow path: everything here may allocate and throws
 * {@link IOException}.
 *
 * <p>Not thread-safe: owned by one thread (the one building the kit), as its scratch is.
 */
public final class ListeningSockets {

    static final int AF_INET6 = 10;
    private static final int SO_TYPE = 3;
    private static final int SO_ACCEPTCONN = 30;
    private static final int SO_DOMAIN = 39;
    private static final int F_DUPFD_CLOEXEC = 1030;
    private static final int F_SETFD = 2;
    private static final int FD_CLOEXEC = 1;
    private static final int F_GETFL = 3;
    private static final int F_SETFL = 4;
    private static final int O_NONBLOCK = 0x800;
    /** {@code struct sockaddr_in6}, the larger of the two families. */
    private static final int SOCKADDR_SIZE = 28;
    private static final ValueLayout.OfShort PORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);

    private final MemorySegment capture;
    /** A socket address at 0, its length at 32, an int option at 36 and the option's length at 40. */
    private final MemorySegment scratch;
    private final LinuxSockets sockets = new LinuxSockets();

    public ListeningSockets() {
        Syscalls.requireLinked();
        var arena = Syscalls.instanceArena();
        capture = arena.allocate(Syscalls.CAPTURE_LAYOUT);
        scratch = arena.allocate(48, 8);
    }

    /**
     * Where {@code fd} listens; throws unless it is a listening TCP socket of IPv4 or IPv6 (systemd may pass
     * datagram or Unix sockets too, which an accept loop cannot serve).
     */
    public InetSocketAddress listeningAddress(int fd) throws IOException {
        int domain = option(fd, SO_DOMAIN, "SO_DOMAIN");
        if (domain != LinuxSockets.AF_INET && domain != AF_INET6) {
            throw new IOException("descriptor " + fd + " is not an IPv4 or IPv6 socket (address family " + domain
                    + ")");
        }
        if (option(fd, SO_TYPE, "SO_TYPE") != LinuxSockets.SOCK_STREAM) {
            throw new IOException("descriptor " + fd + " is not a stream (TCP) socket");
        }
        if (option(fd, SO_ACCEPTCONN, "SO_ACCEPTCONN") == 0) {
            throw new IOException("descriptor " + fd + " is a socket that does not listen");
        }
        scratch.set(JAVA_INT, 32, SOCKADDR_SIZE);
        int result;
        try {
            result = (int) Syscalls.GETSOCKNAME.invokeExact(capture, fd, scratch.address(), scratch.address() + 32);
        } catch (Throwable e) {
            throw Syscalls.unexpected(e);
        }
        if (result < 0) {
            throw Errno.exception("getsockname", -errno());
        }
        int port = Short.toUnsignedInt(scratch.get(PORT, 2));
        byte[] address = domain == LinuxSockets.AF_INET ? scratch.asSlice(4, 4).toArray(ValueLayout.JAVA_BYTE)
                : scratch.asSlice(8, 16).toArray(ValueLayout.JAVA_BYTE);
        return new InetSocketAddress(InetAddress.getByAddress(address), port);
    }

    /** Whether {@code fd} has SO_REUSEPORT, so that sockets of this user can join it. */
    public boolean reusesPort(int fd) throws IOException {
        return option(fd, LinuxSockets.SO_REUSEPORT, "SO_REUSEPORT") != 0;
    }

    /**
     * Readies an inherited listener for an accept loop: non-blocking (systemd passes blocking sockets unless
     * told otherwise, and accept on one would stall the loop), close-on-exec (so programs this one runs do not
     * hold it open), and TCP_NODELAY, which the connections it accepts inherit.
     */
    public void prepare(int fd) throws IOException {
        int flags = fcntl(fd, F_GETFL, 0, "F_GETFL");
        fcntl(fd, F_SETFL, flags | O_NONBLOCK, "F_SETFL O_NONBLOCK");
        fcntl(fd, F_SETFD, FD_CLOEXEC, "F_SETFD FD_CLOEXEC");
        int noDelay = sockets.setTcpNoDelay(fd, true);
        if (noDelay < 0) {
            throw Errno.exception("setsockopt TCP_NODELAY", noDelay);
        }
    }

    /** A new descriptor (close-on-exec) of the same socket: closing one leaves the socket open for the other. */
    public int duplicate(int fd) throws IOException {
        return fcntl(fd, F_DUPFD_CLOEXEC, 3, "F_DUPFD_CLOEXEC");
    }

    public void close(int fd) {
        sockets.close(fd);
    }

    private int fcntl(int fd, int command, long argument, String what) throws IOException {
        int result;
        try {
            result = (int) Syscalls.FCNTL.invokeExact(capture, fd, command, argument);
        } catch (Throwable e) {
            throw Syscalls.unexpected(e);
        }
        if (result < 0) {
            throw Errno.exception("fcntl " + what + " on descriptor " + fd, Syscalls.failure(result, capture));
        }
        return result;
    }

    private int option(int fd, int name, String what) throws IOException {
        scratch.set(JAVA_INT, 36, 0);
        scratch.set(JAVA_INT, 40, 4);
        int result;
        try {
            result = (int) Syscalls.GETSOCKOPT.invokeExact(capture, fd, LinuxSockets.SOL_SOCKET, name,
                    scratch.address() + 36, scratch.address() + 40);
        } catch (Throwable e) {
            throw Syscalls.unexpected(e);
        }
        if (result < 0) {
            throw Errno.exception("getsockopt " + what + " on descriptor " + fd, -errno());
        }
        return scratch.get(JAVA_INT, 36);
    }

    private int errno() {
        return capture.get(JAVA_INT, Syscalls.ERRNO_OFFSET);
    }
}
