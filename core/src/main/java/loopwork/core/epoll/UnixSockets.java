package loopwork.core.epoll;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.EOFException;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Blocking Unix stream sockets that carry file descriptors (SCM_RIGHTS): the take-over's control socket,
 * over which a running server passes its listening sockets to its successor. Java's own Unix-domain channels
 * cannot send descriptors, hence these calls. Slow path: a few small messages per take-over; everything
 * may allocate and throws {@link IOException}; reads and writes time out after {@link #timeouts}.
 *
 * <p>Message layouts (LP64 Linux): {@code struct msghdr} is name (8), name length (4 + 4 padding), iovec
 * pointer (8), iovec count (8), control pointer (8), control length (8), flags (4 + 4); {@code struct iovec}
 * is base and length (8 each); a {@code struct cmsghdr} is length (8), level (4), type (4), then the data,
 * here one descriptor (CMSG_SPACE(4) = 24 bytes).
 *
 * <p>Not thread-safe: owned by one thread, as its scratch is.
 */
public final class UnixSockets {

    static final int AF_UNIX = 1;
    /** The most bytes one {@link #send} or {@link #receive} carries. */
    public static final int MAX_MESSAGE = 64;
    private static final int SUN_PATH_MAX = 107; // 108 bytes with the terminating zero
    private static final int SOCKADDR_UN_SIZE = 110;
    private static final int SCM_RIGHTS = 1;
    private static final int MSG_CMSG_CLOEXEC = 0x40000000;
    private static final int MSG_CTRUNC = 0x8;
    private static final int MSG_NOSIGNAL = 0x4000;
    private static final int SO_PEERCRED = 17;
    private static final int SO_RCVTIMEO = 20;
    private static final int SO_SNDTIMEO = 21;
    // Offsets in the scratch segment.
    private static final long ADDRESS = 0;
    private static final long HEADER = 112;
    private static final long IOVEC = 168;
    private static final long CONTROL = 184;
    private static final long CONTROL_SPACE = 24;
    private static final long DATA = 208;

    private final MemorySegment capture;
    private final MemorySegment scratch;
    private final long base;
    private final LinuxSockets sockets = new LinuxSockets();

    public UnixSockets() {
        Syscalls.requireLinked();
        var arena = Syscalls.instanceArena();
        capture = arena.allocate(Syscalls.CAPTURE_LAYOUT);
        scratch = arena.allocate(DATA + MAX_MESSAGE, 8);
        base = scratch.address();
    }

    /** A listening socket at {@code path}, which must not exist; blocking, close-on-exec. */
    public int listen(Path path, int backlog) throws IOException {
        int fd = socket();
        try {
            int length = address(path);
            int result = (int) Syscalls.BIND.invokeExact(capture, fd, base + ADDRESS, length);
            if (result < 0) {
                throw Errno.exception("bind " + path, -errno());
            }
            sockets.listen(fd, backlog);
            return fd;
        } catch (Throwable e) {
            sockets.close(fd);
            throw rethrow(e);
        }
    }

    /** A socket connected to the one listening at {@code path}. */
    public int connect(Path path) throws IOException {
        int fd = socket();
        try {
            int length = address(path);
            int result = (int) Syscalls.CONNECT.invokeExact(capture, fd, base + ADDRESS, length);
            if (result < 0) {
                throw Errno.exception("connect " + path, -errno());
            }
            return fd;
        } catch (Throwable e) {
            sockets.close(fd);
            throw rethrow(e);
        }
    }

    /** Waits for a connection; close-on-exec. Fails once the listener is shut down (how to stop a waiter). */
    public int accept(int listener) throws IOException {
        int fd;
        try {
            fd = (int) Syscalls.ACCEPT4_BLOCKING.invokeExact(capture, listener, 0L, 0L, LinuxSockets.SOCK_CLOEXEC);
        } catch (Throwable e) {
            throw Syscalls.unexpected(e);
        }
        if (fd < 0) {
            throw Errno.exception("accept", -errno());
        }
        return fd;
    }

    /** Reads and writes on {@code fd} give up after {@code timeoutMs}. */
    public void timeouts(int fd, long timeoutMs) throws IOException {
        for (int option : new int[] {SO_RCVTIMEO, SO_SNDTIMEO}) {
            scratch.set(JAVA_LONG, DATA, timeoutMs / 1000); // struct timeval { time_t sec; suseconds_t usec; }
            scratch.set(JAVA_LONG, DATA + 8, timeoutMs % 1000 * 1000);
            int result;
            try {
                result = (int) Syscalls.SETSOCKOPT.invokeExact(capture, fd, LinuxSockets.SOL_SOCKET, option,
                        base + DATA, 16);
            } catch (Throwable e) {
                throw Syscalls.unexpected(e);
            }
            if (result < 0) {
                throw Errno.exception("setsockopt SO_RCVTIMEO/SO_SNDTIMEO", Syscalls.failure(result, capture));
            }
        }
    }

    /** Sends {@code data} whole, with {@code descriptor} attached to it unless it is negative. */
    public void send(int fd, byte[] data, int descriptor) throws IOException {
        if (data.length == 0 || data.length > MAX_MESSAGE) {
            throw new IllegalArgumentException("a message is 1.." + MAX_MESSAGE + " bytes, not " + data.length);
        }
        MemorySegment.copy(data, 0, scratch, JAVA_BYTE, DATA, data.length);
        int sent = 0;
        while (sent < data.length) {
            header(DATA + sent, data.length - sent, sent == 0 && descriptor >= 0);
            if (sent == 0 && descriptor >= 0) {
                scratch.set(JAVA_LONG, CONTROL, 16 + 4); // CMSG_LEN(sizeof(int))
                scratch.set(JAVA_INT, CONTROL + 8, LinuxSockets.SOL_SOCKET);
                scratch.set(JAVA_INT, CONTROL + 12, SCM_RIGHTS);
                scratch.set(JAVA_INT, CONTROL + 16, descriptor);
            }
            long n;
            try {
                n = (long) Syscalls.SENDMSG.invokeExact(capture, fd, base + HEADER, MSG_NOSIGNAL);
            } catch (Throwable e) {
                throw Syscalls.unexpected(e);
            }
            if (n < 0) {
                throw failure("sendmsg", -errno());
            }
            sent += (int) n;
        }
    }

    /**
     * Reads exactly {@code data.length} bytes into {@code data}: the descriptor that came with them
     * (close-on-exec), or -1 when none did. {@link EOFException} if the peer closed first.
     */
    public int receive(int fd, byte[] data) throws IOException {
        if (data.length == 0 || data.length > MAX_MESSAGE) {
            throw new IllegalArgumentException("a message is 1.." + MAX_MESSAGE + " bytes, not " + data.length);
        }
        int received = 0;
        int descriptor = -1;
        while (received < data.length) {
            header(DATA + received, data.length - received, true);
            scratch.set(JAVA_LONG, CONTROL, 0L);
            long n;
            try {
                n = (long) Syscalls.RECVMSG.invokeExact(capture, fd, base + HEADER, MSG_CMSG_CLOEXEC);
            } catch (Throwable e) {
                throw Syscalls.unexpected(e);
            }
            if (n < 0) {
                throw failure("recvmsg", -errno());
            }
            if (n == 0) {
                throw new EOFException("the peer closed the control connection");
            }
            if (scratch.get(JAVA_LONG, HEADER + 40) >= 20 // msg_controllen: a cmsghdr with a descriptor came
                    && scratch.get(JAVA_INT, CONTROL + 8) == LinuxSockets.SOL_SOCKET
                    && scratch.get(JAVA_INT, CONTROL + 12) == SCM_RIGHTS) {
                if (descriptor >= 0) {
                    sockets.close(descriptor);
                }
                descriptor = scratch.get(JAVA_INT, CONTROL + 16);
            }
            if ((scratch.get(JAVA_INT, HEADER + 48) & MSG_CTRUNC) != 0) {
                throw new IOException("recvmsg: descriptors truncated (more than one per message, or the limit "
                        + "of open files reached)");
            }
            received += (int) n;
        }
        MemorySegment.copy(scratch, JAVA_BYTE, DATA, data, 0, data.length);
        return descriptor;
    }

    /** The process at the other end of a connected socket (SO_PEERCRED), for the log. */
    public long peerPid(int fd) throws IOException {
        scratch.set(JAVA_INT, DATA + 16, 12); // sizeof(struct ucred { pid_t pid; uid_t uid; gid_t gid; })
        int result;
        try {
            result = (int) Syscalls.GETSOCKOPT.invokeExact(capture, fd, LinuxSockets.SOL_SOCKET, SO_PEERCRED,
                    base + DATA, base + DATA + 16);
        } catch (Throwable e) {
            throw Syscalls.unexpected(e);
        }
        if (result < 0) {
            throw Errno.exception("getsockopt SO_PEERCRED", -errno());
        }
        return scratch.get(JAVA_INT, DATA);
    }

    public void shutdown(int fd) {
        sockets.shutdown(fd, LinuxSockets.SHUT_RDWR);
    }

    public void close(int fd) {
        sockets.close(fd);
    }

    /** A msghdr over {@code length} bytes at {@code offset}, with room for one descriptor when asked. */
    private void header(long offset, int length, boolean control) {
        scratch.asSlice(HEADER, CONTROL + CONTROL_SPACE - HEADER).fill((byte) 0);
        scratch.set(JAVA_LONG, IOVEC, base + offset);
        scratch.set(JAVA_LONG, IOVEC + 8, length);
        scratch.set(JAVA_LONG, HEADER + 16, base + IOVEC);
        scratch.set(JAVA_LONG, HEADER + 24, 1L);
        if (control) {
            scratch.set(JAVA_LONG, HEADER + 32, base + CONTROL);
            scratch.set(JAVA_LONG, HEADER + 40, CONTROL_SPACE);
        }
    }

    /** {@code struct sockaddr_un} for {@code path} at {@link #ADDRESS}: its length. */
    private int address(Path path) {
        byte[] name = path.toString().getBytes(StandardCharsets.UTF_8);
        if (name.length == 0 || name.length > SUN_PATH_MAX) {
            throw new IllegalArgumentException("a Unix socket path is 1.." + SUN_PATH_MAX + " bytes, not "
                    + name.length + ": " + path);
        }
        scratch.asSlice(ADDRESS, SOCKADDR_UN_SIZE).fill((byte) 0);
        scratch.set(JAVA_SHORT, ADDRESS, (short) AF_UNIX);
        MemorySegment.copy(name, 0, scratch, JAVA_BYTE, ADDRESS + 2, name.length);
        return 2 + name.length + 1;
    }

    private int socket() throws IOException {
        int fd;
        try {
            fd = (int) Syscalls.SOCKET.invokeExact(capture, AF_UNIX, LinuxSockets.SOCK_STREAM
                    | LinuxSockets.SOCK_CLOEXEC, 0);
        } catch (Throwable e) {
            throw Syscalls.unexpected(e);
        }
        if (fd < 0) {
            throw Errno.exception("socket AF_UNIX", -errno());
        }
        return fd;
    }

    private static IOException failure(String operation, int errno) {
        return errno == Errno.EAGAIN ? new SocketTimeoutException(operation + " timed out")
                : Errno.exception(operation, -errno);
    }

    private static IOException rethrow(Throwable e) {
        if (e instanceof IOException io) {
            return io;
        }
        throw Syscalls.unexpected(e);
    }

    private int errno() {
        return capture.get(JAVA_INT, Syscalls.ERRNO_OFFSET);
    }
}
