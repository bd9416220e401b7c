package loopwork.core.epoll;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Objects;

/**
 * IPv4 TCP sockets as plain file descriptors: set-up (socket, options, bind, listen, the bound port) and the
 * per-connection calls (accept, read, write, shutdown, close). Set-up throws {@link IOException}; the
 * per-connection calls return a count or {@code -errno} ({@code -Errno.EAGAIN}: would block) and allocate
 * nothing: addresses, lengths and errno live in scratch memory made once per instance (freed by the GC with
 * it; the instance holds no descriptor, so there is nothing to close).
 *
 * <p>Connection bytes are read into and written from raw addresses, typically slices of a
 * {@link loopwork.core.memory.ReservedMemory} slab: {@code slab.address() + offset}. The memory must stay
 * mapped for the duration of the call; nothing here checks it (the segment forms check bounds only).
 *
 * <p>Not thread-safe: owned by one thread (its event loop), because errno and the address scratch are per
 * instance. A set-up thread that binds listeners uses its own instance; file descriptors, being ints, may move
 * between threads freely.
 */
public final class LinuxSockets {

    public static final int SHUT_RD = 0;
    public static final int SHUT_WR = 1;
    public static final int SHUT_RDWR = 2;
    /** {@link #send}: more follows, so a short segment may wait for it (or for the FIN of a close). */
    public static final int MSG_MORE = 0x8000;
    private static final int MSG_NOSIGNAL = 0x4000;

    static final int AF_INET = 2;
    static final int SOCK_STREAM = 1;
    static final int SOCK_NONBLOCK = 0x800;
    static final int SOCK_CLOEXEC = 0x80000;
    static final int IPPROTO_TCP = 6;
    static final int SOL_SOCKET = 1;
    static final int SO_REUSEADDR = 2;
    static final int SO_REUSEPORT = 15;
    static final int SO_LINGER = 13;
    static final int TCP_NODELAY = 1;
    static final int TCP_DEFER_ACCEPT = 9;
    /** {@code struct sockaddr_in}: family (host order), port and address (network order), 8 bytes of zero. */
    static final int SOCKADDR_IN_SIZE = 16;

    private static final ValueLayout.OfShort PORT = JAVA_SHORT.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfInt IPV4 = JAVA_INT.withOrder(ByteOrder.BIG_ENDIAN);

    private final MemorySegment capture;
    /** sockaddr_in at 0 (or a struct linger, for {@link #lingerZero}), its socklen_t at 16, an int option at 20. */
    private final MemorySegment scratch;
    private final long sockaddr;
    private final long socklen;
    private final long option;

    public LinuxSockets() {
        Syscalls.requireLinked();
        var arena = Syscalls.instanceArena();
        capture = arena.allocate(Syscalls.CAPTURE_LAYOUT);
        scratch = arena.allocate(24, 8);
        sockaddr = scratch.address();
        socklen = sockaddr + SOCKADDR_IN_SIZE;
        option = socklen + 4;
    }

    /** {@link #openListener(int, int, int, boolean)} on a dotted-quad {@code host}. */
    public int openListener(String host, int port, int backlog, boolean reusePort) throws IOException {
        return openListener(Ipv4.parse(host), port, backlog, reusePort);
    }

    /**
     * A non-blocking listening socket on {@code ipv4:port} ({@code port} 0: any free one, see
     * {@link #localPort}), with SO_REUSEADDR, and SO_REUSEPORT when {@code reusePort} so that several loops may
     * each bind their own listener to one port and let the kernel spread connections among them. It has
     * TCP_NODELAY, which Linux copies to every connection it accepts: a server's answers leave at once, with no
     * setsockopt per connection.
     */
    public int openListener(int ipv4, int port, int backlog, boolean reusePort) throws IOException {
        return openListener(ipv4, port, backlog, reusePort, false);
    }

    /**
     * As {@link #openListener(int, int, int, boolean)}; with {@code exclusive}, the bind is made without
     * SO_REUSEPORT, so it fails (EADDRINUSE) while any other socket listens on the address, whoever's, with
     * or without SO_REUSEPORT; SO_REUSEPORT is set just after it, before listening, so that sockets of this
     * user (this process's other loops) may still join. The bind itself is the check: no window between
     * looking and taking. SO_REUSEADDR still lets it bind over connections in TIME_WAIT.
     */
    public int openListener(int ipv4, int port, int backlog, boolean reusePort, boolean exclusive)
            throws IOException {
        int fd = socket();
        try {
            setReuseAddress(fd, true);
            if (reusePort && !exclusive) {
                setReusePort(fd, true);
            }
            int noDelay = setTcpNoDelay(fd, true);
            if (noDelay < 0) {
                throw Errno.exception("setsockopt TCP_NODELAY", noDelay);
            }
            bind(fd, ipv4, port);
            if (reusePort && exclusive) {
                setReusePort(fd, true);
            }
            listen(fd, backlog);
            return fd;
        } catch (IOException | RuntimeException e) {
            close(fd);
            throw e;
        }
    }

    /** A non-blocking, close-on-exec IPv4 stream socket. */
    public int socket() throws IOException {
        int fd;
        try {
            fd = (int) Syscalls.SOCKET.invokeExact(capture, AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
        } catch (Throwable e) {
            throw Syscalls.unexpected(e);
        }
        if (fd < 0) {
            throw Errno.exception("socket", -errno());
        }
        return fd;
    }

    /** SO_REUSEADDR: rebind a port whose old connections linger in TIME_WAIT. */
    public void setReuseAddress(int fd, boolean on) throws IOException {
        int result = setOption(fd, SOL_SOCKET, SO_REUSEADDR, on ? 1 : 0);
        if (result < 0) {
            throw Errno.exception("setsockopt SO_REUSEADDR", result);
        }
    }

    /** SO_REUSEPORT: let several sockets of this user bind one port; the kernel spreads connections among them. */
    public void setReusePort(int fd, boolean on) throws IOException {
        int result = setOption(fd, SOL_SOCKET, SO_REUSEPORT, on ? 1 : 0);
        if (result < 0) {
            throw Errno.exception("setsockopt SO_REUSEPORT", result);
        }
    }

    /**
     * TCP_DEFER_ACCEPT on a listener: the kernel completes a connection for accept only once its first bytes
     * arrived, or after about {@code seconds} (it rounds up to its SYN-ACK retransmission times).
     */
    public void setDeferAccept(int fd, int seconds) throws IOException {
        int result = setOption(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, seconds);
        if (result < 0) {
            throw Errno.exception("setsockopt TCP_DEFER_ACCEPT", result);
        }
    }

    /**
     * SO_LINGER on, with 0 s, on a connection about to be closed: the close then resets it and drops what
     * its send buffer holds. Whether it was set, with nothing thrown (on a failure the close is normal).
     */
    public boolean lingerZero(int fd) {
        scratch.set(JAVA_INT, 0, 1); // struct linger { int l_onoff; int l_linger; }, in the sockaddr's room
        scratch.set(JAVA_INT, 4, 0);
        return setsockopt(fd, SOL_SOCKET, SO_LINGER, sockaddr, 8) == 0;
    }

    /** {@link #setDeferAccept} on a loop's thread: whether it was set, with nothing thrown. */
    public boolean deferAccept(int fd, int seconds) {
        return setOption(fd, IPPROTO_TCP, TCP_DEFER_ACCEPT, seconds) == 0;
    }

    /** TCP_NODELAY on an accepted connection: 0 or {@code -errno}; hot path, allocates nothing. */
    public int setTcpNoDelay(int fd, boolean on) {
        return setOption(fd, IPPROTO_TCP, TCP_NODELAY, on ? 1 : 0);
    }

    /** Binds to an IPv4 address given in host order ({@code 0x7F000001} is 127.0.0.1, 0 is any). */
    public void bind(int fd, int ipv4, int port) throws IOException {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("port out of range: " + port);
        }
        scratch.fill((byte) 0);
        scratch.set(JAVA_SHORT, 0, (short) AF_INET);
        scratch.set(PORT, 2, (short) port);
        scratch.set(IPV4, 4, ipv4);
        int result;
        try {
            result = (int) Syscalls.BIND.invokeExact(capture, fd, sockaddr, SOCKADDR_IN_SIZE);
        } catch (Throwable e) {
            throw Syscalls.unexpected(e);
        }
        if (result < 0) {
            throw Errno.exception("bind " + Ipv4.format(ipv4) + ":" + port, -errno());
        }
    }

    public void listen(int fd, int backlog) throws IOException {
        int result;
        try {
            result = (int) Syscalls.LISTEN.invokeExact(capture, fd, backlog);
        } catch (Throwable e) {
            throw Syscalls.unexpected(e);
        }
        if (result < 0) {
            throw Errno.exception("listen", -errno());
        }
    }

    /** The port a socket is bound to (getsockname): how to learn the one the kernel picked for port 0. */
    public int localPort(int fd) throws IOException {
        scratch.set(JAVA_INT, SOCKADDR_IN_SIZE, SOCKADDR_IN_SIZE);
        int result;
        try {
            result = (int) Syscalls.GETSOCKNAME.invokeExact(capture, fd, sockaddr, socklen);
        } catch (Throwable e) {
            throw Syscalls.unexpected(e);
        }
        if (result < 0) {
            throw Errno.exception("getsockname", -errno());
        }
        return Short.toUnsignedInt(scratch.get(PORT, 2));
    }

    /** accept4 with SOCK_NONBLOCK | SOCK_CLOEXEC and no peer address: the new fd or {@code -errno}. */
    public int accept(int listenFd) {
        int fd;
        try {
            fd = (int) Syscalls.ACCEPT4.invokeExact(capture, listenFd, 0L, 0L, SOCK_NONBLOCK | SOCK_CLOEXEC);
        } catch (Throwable e) {
            throw Syscalls.unexpected(e);
        }
        return fd >= 0 ? fd : Syscalls.failure(fd, capture);
    }

    /** Reads up to {@code length} bytes to {@code address}: the count, 0 at end of stream, or {@code -errno}. */
    public int read(int fd, long address, int length) {
        assert length >= 0 : length;
        long n;
        try {
            n = (long) Syscalls.RECV.invokeExact(capture, fd, address, (long) length, 0);
        } catch (Throwable e) {
            throw Syscalls.unexpected(e);
        }
        return n >= 0 ? (int) n : Syscalls.failure(n, capture);
    }

    /** {@link #read(int, long, int)} into {@code base} at {@code offset}, bounds checked; base must be native. */
    public int read(int fd, MemorySegment base, long offset, int length) {
        Objects.checkFromIndexSize(offset, length, base.byteSize());
        if (!base.isNative()) {
            throw new IllegalArgumentException("a heap segment has no stable address");
        }
        return read(fd, base.address() + offset, length);
    }

    /** Writes up to {@code length} bytes from {@code address}: the count written or {@code -errno}. */
    public int write(int fd, long address, int length) {
        return send(fd, address, length, 0);
    }

    /**
     * {@link #write(int, long, int)} with {@code flags}: 0, or {@link #MSG_MORE} to hold a short segment back
     * for what follows (a close sends it together with the FIN). Never raises SIGPIPE: a peer that is gone
     * comes back as {@code -EPIPE}.
     */
    public int send(int fd, long address, int length, int flags) {
        assert length >= 0 : length;
        long n;
        try {
            n = (long) Syscalls.SEND.invokeExact(capture, fd, address, (long) length, flags | MSG_NOSIGNAL);
        } catch (Throwable e) {
            throw Syscalls.unexpected(e);
        }
        return n >= 0 ? (int) n : Syscalls.failure(n, capture);
    }

    /** {@link #write(int, long, int)} from {@code base} at {@code offset}, bounds checked; base must be native. */
    public int write(int fd, MemorySegment base, long offset, int length) {
        Objects.checkFromIndexSize(offset, length, base.byteSize());
        if (!base.isNative()) {
            throw new IllegalArgumentException("a heap segment has no stable address");
        }
        return write(fd, base.address() + offset, length);
    }

    /** {@link #SHUT_RD}, {@link #SHUT_WR} or {@link #SHUT_RDWR}: 0 or {@code -errno}. */
    public int shutdown(int fd, int how) {
        int result;
        try {
            result = (int) Syscalls.SHUTDOWN.invokeExact(capture, fd, how);
        } catch (Throwable e) {
            throw Syscalls.unexpected(e);
        }
        return result >= 0 ? result : Syscalls.failure(result, capture);
    }

    /**
     * Closes a descriptor: 0 or {@code -errno}. Never retry, even on {@code -EINTR}: Linux has released the fd
     * either way, and the number may already belong to someone else. Closing also removes it from every epoll set
     * (unless the descriptor was duplicated).
     */
    public int close(int fd) {
        int result;
        try {
            result = (int) Syscalls.CLOSE.invokeExact(capture, fd);
        } catch (Throwable e) {
            throw Syscalls.unexpected(e);
        }
        return result >= 0 ? result : Syscalls.failure(result, capture);
    }

    private int setOption(int fd, int level, int name, int value) {
        scratch.set(JAVA_INT, 20, value);
        return setsockopt(fd, level, name, option, 4);
    }

    /** setsockopt with the option's value at {@code value}: 0, or -errno. */
    private int setsockopt(int fd, int level, int name, long value, int length) {
        int result;
        try {
            result = (int) Syscalls.SETSOCKOPT.invokeExact(capture, fd, level, name, value, length);
        } catch (Throwable e) {
            throw Syscalls.unexpected(e);
        }
        return result >= 0 ? result : Syscalls.failure(result, capture);
    }

    private int errno() {
        return capture.get(JAVA_INT, Syscalls.ERRNO_OFFSET);
    }
}
