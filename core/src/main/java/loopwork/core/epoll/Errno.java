package loopwork.core.epoll;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.BindException;
import java.net.SocketException;

/**
 * Linux errno codes as this package reports them: hot-path calls return {@code -code} instead of throwing, so
 * the event loop tells "would block" from a failure with one comparison ({@code n == -Errno.EAGAIN}). Values
 * are the generic Linux ones, shared by x86_64 and aarch64 (not by alpha, mips, parisc or sparc).
 *
 * <p>{@link #exception} is the slow path: it builds text ("ECONNRESET: Connection reset by peer") and an
 * exception, so call it only once a connection or the set-up has failed for good.
 *
 * <p>Thread-safe: stateless.
 */
@SuppressWarnings("restricted") // strerror's result is a C string of unknown length, read through reinterpret
public final class Errno {

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int EBADF = 9;
    /** A non-blocking call would block (also {@code EWOULDBLOCK} on Linux). */
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EEXIST = 17;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ENOSPC = 28;
    public static final int EPIPE = 32;
    public static final int ENOSYS = 38;
    public static final int ENONET = 64;
    public static final int EPROTO = 71;
    public static final int ENOTSOCK = 88;
    public static final int ENOPROTOOPT = 92;
    public static final int EPROTONOSUPPORT = 93;
    public static final int EOPNOTSUPP = 95;
    public static final int EAFNOSUPPORT = 97;
    public static final int EADDRINUSE = 98;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETDOWN = 100;
    public static final int ENETUNREACH = 101;
    public static final int ECONNABORTED = 103;
    public static final int ECONNRESET = 104;
    public static final int ENOBUFS = 105;
    public static final int ENOTCONN = 107;
    public static final int ETIMEDOUT = 110;
    public static final int ECONNREFUSED = 111;
    public static final int EHOSTDOWN = 112;
    public static final int EHOSTUNREACH = 113;
    public static final int EINPROGRESS = 115;

    private static final String[] NAMES = new String[EINPROGRESS + 1];

    static {
        String[] names = {"EPERM", "ENOENT", "EINTR", "EIO", "EBADF", "EAGAIN", "ENOMEM", "EACCES", "EFAULT",
            "EEXIST", "EINVAL", "ENFILE", "EMFILE", "ENOSPC", "EPIPE", "ENOSYS", "ENONET", "EPROTO", "ENOTSOCK", "ENOPROTOOPT",
            "EPROTONOSUPPORT", "EOPNOTSUPP", "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL", "ENETDOWN",
            "ENETUNREACH", "ECONNABORTED", "ECONNRESET", "ENOBUFS", "ENOTCONN", "ETIMEDOUT", "ECONNREFUSED",
            "EHOSTDOWN", "EHOSTUNREACH", "EINPROGRESS"};
        int[] codes = {EPERM, ENOENT, EINTR, EIO, EBADF, EAGAIN, ENOMEM, EACCES, EFAULT, EEXIST, EINVAL, ENFILE,
            EMFILE, ENOSPC, EPIPE, ENOSYS, ENONET, EPROTO, ENOTSOCK, ENOPROTOOPT, EPROTONOSUPPORT, EOPNOTSUPP, EAFNOSUPPORT,
            EADDRINUSE, EADDRNOTAVAIL, ENETDOWN, ENETUNREACH, ECONNABORTED, ECONNRESET, ENOBUFS, ENOTCONN, ETIMEDOUT,
            ECONNREFUSED, EHOSTDOWN, EHOSTUNREACH, EINPROGRESS};
        for (int i = 0; i < codes.length; i++) {
            NAMES[codes[i]] = names[i];
        }
    }

    private Errno() {
    }

    /** Whether a hot-path result means "would block, try after the next readiness". */
    public static boolean isAgain(long result) {
        return result == -EAGAIN;
    }

    /** The symbolic name ({@code "ECONNRESET"}), or {@code "errno 42"} for codes outside the table. */
    public static String name(int errno) {
        String name = errno > 0 && errno < NAMES.length ? NAMES[errno] : null;
        return name != null ? name : "errno " + errno;
    }

    /** Name and the C library's message: {@code "ECONNRESET: Connection reset by peer"}. */
    public static String describe(int errno) {
        String message = strerror(errno);
        return message == null ? name(errno) : name(errno) + ": " + message;
    }

    /**
     * The exception for a failed call: {@code result} is what the call returned ({@code -errno}). Address
     * trouble becomes a {@link BindException}, a peer's reset or a broken pipe a {@link SocketException}, the rest
     * a plain {@link IOException}. Allocates: slow path only.
     */
    public static IOException exception(String operation, long result) {
        if (result >= 0) {
            throw new IllegalArgumentException(operation + " did not fail: " + result);
        }
        int errno = (int) -result;
        String message = operation + " failed: " + describe(errno);
        return switch (errno) {
            case EADDRINUSE, EADDRNOTAVAIL -> new BindException(message);
            case ECONNRESET, EPIPE, ECONNABORTED, ENOTCONN -> new SocketException(message);
            default -> new IOException(message);
        };
    }

    private static String strerror(int errno) {
        if (Syscalls.STRERROR == null) {
            return null;
        }
        try {
            MemorySegment text = (MemorySegment) Syscalls.STRERROR.invokeExact(errno);
            return text.address() == 0 ? null : text.reinterpret(Integer.MAX_VALUE).getString(0);
        } catch (Throwable e) {
            return null;
        }
    }
}
