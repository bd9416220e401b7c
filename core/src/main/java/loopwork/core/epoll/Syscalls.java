package loopwork.core.epoll;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.stream.LongStream;

/**
 * The libc functions and system calls of the epoll transport, bound once through the FFM API. A handle is
 * {@code null} when it could not be bound (not Linux, not x86_64/aarch64, symbol missing, native access denied):
 * {@link EpollSupport} checks them all before anything here is used.
 *
 * <p>Handles marked "quick" are bound {@link Linker.Option#critical critical}: the calling thread stays in the
 * Java state through the call, skipping the two thread-state transitions (and the fence) around a native
 * call. Only calls that never block and return within microseconds qualify (on non-blocking sockets), since a
 * safepoint waits for them; epoll_wait, which sleeps, is not one.
 *
 * <p>Handles marked "errno" take a capture segment first ({@code Linker.Option.captureCallState("errno")});
 * read its {@code int} at {@link #ERRNO_OFFSET} after a call that returned -1. Handles marked "syscall" take
 * one too, and make the system call through {@link SyscallStub} where it exists, which returns
 * {@code -errno} itself and ignores the segment, or else through glibc's {@code syscall(2)}: read a failure
 * of theirs with {@link #failure}. Pointer parameters are declared
 * {@code JAVA_LONG} so callers pass raw addresses (slab offsets, their own scratch segments' addresses)
 * without making a {@code MemorySegment} per call; on LP64 Linux a pointer travels exactly like a long. Call
 * them with {@code invokeExact} and these exact types, so nothing is boxed or adapted.
 *
 * <p>Thread-safe: immutable.
 */
@SuppressWarnings("restricted") // binding libc through FFM is the point of this class; the launcher enables native access
final class Syscalls {

    static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    static final long ERRNO_OFFSET = CAPTURE_LAYOUT.byteOffset(PathElement.groupElement("errno"));
    /** Linux on a 64-bit architecture whose constants and layouts this package knows. */
    static final boolean PLATFORM_SUPPORTED;

    /** errno: {@code int socket(int domain, int type, int protocol)}. */
    static final MethodHandle SOCKET;
    /**
     * quick, syscall: {@code int setsockopt(int fd, int level, int name, const void *value, socklen_t length)},
     * set-up and a loop's TCP_DEFER_ACCEPT switches alike.
     */
    static final MethodHandle SETSOCKOPT;
    /** errno: {@code int bind(int fd, const struct sockaddr *address, socklen_t length)}. */
    static final MethodHandle BIND;
    /** errno: {@code int listen(int fd, int backlog)}. */
    static final MethodHandle LISTEN;
    /** errno: {@code int getsockname(int fd, struct sockaddr *address, socklen_t *length)}. */
    static final MethodHandle GETSOCKNAME;
    /** quick, syscall: {@code int accept4(int fd, struct sockaddr *address, socklen_t *length, int flags)}. */
    static final MethodHandle ACCEPT4;
    /**
     * syscall: {@code ssize_t read(int fd, void *buffer, size_t count)}, as a system call: glibc's
     * {@code read} is a cancellation point that turns asynchronous cancellation on and off around the call,
     * 1.5% of the server's CPU in a keep-alive profile, for a pthread_cancel the JVM never uses. For
     * descriptors that are not sockets (an eventfd); sockets take RECV.
     */
    static final MethodHandle READ;
    /**
     * quick, syscall: {@code ssize_t recv(int fd, void *buffer, size_t count, int flags)}, as {@code recvfrom}
     * with no address. On a socket it goes straight to the socket layer;
     * read and write first pass the file layer's checks and hooks, 2.5% of the server's CPU in a keep-alive
     * profile against 0.5% for recv and send.
     */
    static final MethodHandle RECV;
    /**
     * quick, syscall: {@code ssize_t send(int fd, const void *buffer, size_t count, int flags)}, as
     * {@code sendto} with no address, for RECV's reasons and for its flags (MSG_MORE, MSG_NOSIGNAL).
     */
    static final MethodHandle SEND;
    /** quick, syscall: {@code int close(int fd)}. */
    static final MethodHandle CLOSE;
    /** quick, syscall: {@code int shutdown(int fd, int how)}. */
    static final MethodHandle SHUTDOWN;
    /** errno: {@code int epoll_create1(int flags)}. */
    static final MethodHandle EPOLL_CREATE1;
    /** quick, syscall: {@code int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)}. */
    static final MethodHandle EPOLL_CTL;
    /**
     * syscall: {@code int epoll_wait(int epfd, struct epoll_event *events, int maxEvents, int timeoutMs)}, as
     * {@code epoll_pwait} with no signal mask (aarch64 has no plain epoll_wait system call).
     */
    static final MethodHandle EPOLL_WAIT;
    /** errno: {@code int eventfd(unsigned int initial, int flags)}. */
    static final MethodHandle EVENTFD;
    /** No errno (any thread may call it): {@code int eventfd_write(int fd, uint64_t value)}. */
    static final MethodHandle EVENTFD_WRITE;
    /** No errno, slow path only: {@code char *strerror(int errno)}. */
    static final MethodHandle STRERROR;
    // Slow path, for inherited listening sockets and the take-over's control socket (which blocks, so nothing
    // here is bound critical).
    /** syscall: {@code int fcntl(int fd, int command, long argument)}. */
    static final MethodHandle FCNTL;
    /** errno: {@code int getsockopt(int fd, int level, int name, void *value, socklen_t *length)}. */
    static final MethodHandle GETSOCKOPT;
    /** errno: {@code int connect(int fd, const struct sockaddr *address, socklen_t length)}. */
    static final MethodHandle CONNECT;
    /** errno: {@code int accept4(int fd, struct sockaddr *address, socklen_t *length, int flags)}, may block. */
    static final MethodHandle ACCEPT4_BLOCKING;
    /** errno: {@code ssize_t sendmsg(int fd, const struct msghdr *message, int flags)}, may block. */
    static final MethodHandle SENDMSG;
    /** errno: {@code ssize_t recvmsg(int fd, struct msghdr *message, int flags)}, may block. */
    static final MethodHandle RECVMSG;

    /** epoll_pwait's last two arguments: no signal mask (so none is swapped), and the kernel's sigset size. */
    private static final long NO_SIGNAL_MASK = 0L;
    private static final long SIGSET_SIZE = 8L;
    /** recvfrom's and sendto's last two arguments: no peer address (a connected socket) and its length, 0. */
    private static final long NO_ADDRESS = 0L;

    /** Whether "syscall" handles go through {@link SyscallStub}, returning {@code -errno} themselves. */
    static final boolean DIRECT = SyscallStub.ENTRY != null;

    /** Why a handle is missing, or {@code null} when all are bound. */
    static final Throwable LINK_FAILURE;

    static {
        String os = System.getProperty("os.name", "");
        String arch = System.getProperty("os.arch", "");
        PLATFORM_SUPPORTED = os.startsWith("Linux") && (arch.equals("amd64") || arch.equals("aarch64"));
        Binder b = new Binder(PLATFORM_SUPPORTED ? null : new UnsupportedOperationException(
                "epoll transport needs Linux on amd64 or aarch64, not " + os + " on " + arch));
        SOCKET = b.errno("socket", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        boolean arm = arch.equals("aarch64");
        SETSOCKOPT = b.quickSyscall(arm ? 208 : 54, MethodType.methodType(int.class, int.class, int.class, int.class,
                long.class, int.class));
        BIND = b.errno("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT));
        LISTEN = b.errno("listen", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
        GETSOCKNAME = b.errno("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
        ACCEPT4 = b.quickSyscall(arm ? 242 : 288, MethodType.methodType(int.class, int.class, long.class, long.class,
                int.class));
        READ = b.syscall(arm ? 63 : 0, MethodType.methodType(long.class, int.class, long.class, long.class));
        RECV = b.quickSyscall(arm ? 207 : 45, MethodType.methodType(long.class, int.class, long.class, long.class,
                int.class), NO_ADDRESS, NO_ADDRESS);
        SEND = b.quickSyscall(arm ? 206 : 44, MethodType.methodType(long.class, int.class, long.class, long.class,
                int.class), NO_ADDRESS, NO_ADDRESS);
        CLOSE = b.quickSyscall(arm ? 57 : 3, MethodType.methodType(int.class, int.class));
        SHUTDOWN = b.quickSyscall(arm ? 210 : 48, MethodType.methodType(int.class, int.class, int.class));
        EPOLL_CREATE1 = b.errno("epoll_create1", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
        EPOLL_CTL = b.quickSyscall(arm ? 21 : 233, MethodType.methodType(int.class, int.class, int.class, int.class,
                long.class));
        EPOLL_WAIT = b.syscall(arm ? 22 : 281, MethodType.methodType(int.class, int.class, long.class, int.class,
                int.class), NO_SIGNAL_MASK, SIGSET_SIZE);
        EVENTFD = b.errno("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
        EVENTFD_WRITE = b.plain("eventfd_write", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
        STRERROR = b.plain("strerror", FunctionDescriptor.of(ADDRESS, JAVA_INT));
        FCNTL = b.syscall(arm ? 25 : 72, MethodType.methodType(int.class, int.class, int.class, long.class));
        GETSOCKOPT = b.errno("getsockopt", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG,
                JAVA_LONG));
        CONNECT = b.errno("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_INT));
        ACCEPT4_BLOCKING = b.errno("accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG,
                JAVA_INT));
        SENDMSG = b.errno("sendmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
        RECVMSG = b.errno("recvmsg", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, JAVA_LONG, JAVA_INT));
        LINK_FAILURE = b.failure;
    }

    private Syscalls() {
    }

    /**
     * The arena for an instance's capture segment and scratch memory: automatic, freed by the GC once the
     * instance is unreachable. Not a shared arena, on purpose: a downcall acquires and releases the session of
     * each segment argument (the capture segment here), a CAS loop per call for a shared arena and nothing for
     * an automatic one. That extra code made a loop method with eight inlined downcalls run out of C2's
     * inlining budget in the middle of one, whose capture-segment slice then escaped: 40 bytes per connection
     * (see package-info). The capture segment, an argument of every call, keeps the whole arena alive while a
     * call runs, so raw addresses of the same arena's scratch memory stay valid during it too.
     */
    static Arena instanceArena() {
        return Arena.ofAuto();
    }

    /** Throws unless every handle is bound; constructors call it so a missing handle is never invoked. */
    static void requireLinked() {
        if (LINK_FAILURE != null) {
            throw new UnsupportedOperationException("epoll transport unavailable: " + LINK_FAILURE, LINK_FAILURE);
        }
    }

    /**
     * A "syscall" handle's negative {@code result} as {@code -errno}: the stub's own result, or errno from the
     * capture segment after glibc's -1.
     */
    static int failure(long result, MemorySegment capture) {
        return DIRECT ? (int) result : -capture.get(JAVA_INT, ERRNO_OFFSET);
    }

    /**
     * What a downcall's {@code invokeExact} threw, unchecked: only a closed arena or a bug gets here, since
     * failures of the call itself come back as -1 and errno.
     */
    static RuntimeException unexpected(Throwable e) {
        if (e instanceof RuntimeException runtime) {
            return runtime;
        }
        if (e instanceof Error error) {
            throw error;
        }
        return new IllegalStateException("downcall failed", e);
    }

    /** Binds handles one by one, keeping the first failure and leaving the rest {@code null} after it. */
    private static final class Binder {
        private final Linker linker = Linker.nativeLinker();
        private final Linker.Option captureErrno = Linker.Option.captureCallState("errno");
        private final Linker.Option quick = Linker.Option.critical(false);
        private final Linker.Option variadic = Linker.Option.firstVariadicArg(1);
        private Throwable failure;
        private SymbolLookup libc;

        Binder(Throwable unsupported) {
            failure = unsupported;
            if (failure == null) {
                libc = linker.defaultLookup();
            }
        }

        MethodHandle errno(String name, FunctionDescriptor descriptor) {
            return bind(name, descriptor, captureErrno);
        }

        MethodHandle plain(String name, FunctionDescriptor descriptor) {
            return bind(name, descriptor);
        }

        /**
         * System call {@code number}, typed {@code (MemorySegment capture, <type's parameters>)<type's return>}
         * with {@code trailing} arguments appended. Every argument travels as a long, as the kernel takes them;
         * the result narrows to an int where the type says so (a count that fits, or a failure).
         */
        MethodHandle syscall(long number, MethodType type, long... trailing) {
            return syscall(number, type, trailing, false);
        }

        /** As {@link #syscall(long, MethodType, long...)}, bound critical (never for a call that may block). */
        MethodHandle quickSyscall(long number, MethodType type, long... trailing) {
            return syscall(number, type, trailing, true);
        }

        private MethodHandle syscall(long number, MethodType type, long[] trailing, boolean critical) {
            int arguments = type.parameterCount() + trailing.length;
            MethodHandle raw;
            if (DIRECT) {
                raw = critical ? bind(SyscallStub.ENTRY, SyscallStub.DESCRIPTOR, quick)
                        : bind(SyscallStub.ENTRY, SyscallStub.DESCRIPTOR);
                if (raw == null) {
                    return null;
                }
                // The stub always takes six arguments; the kernel ignores those a call does not have.
                raw = MethodHandles.insertArguments(raw, 1 + arguments, LongStream.range(arguments, 6).map(i -> 0L)
                        .boxed().toArray());
                raw = MethodHandles.dropArguments(raw, 0, MemorySegment.class);
            } else {
                FunctionDescriptor descriptor = FunctionDescriptor.of(JAVA_LONG, JAVA_LONG);
                for (int i = arguments; i > 0; i--) {
                    descriptor = descriptor.appendArgumentLayouts(JAVA_LONG);
                }
                raw = critical ? bind("syscall", descriptor, captureErrno, variadic, quick)
                        : bind("syscall", descriptor, captureErrno, variadic);
                if (raw == null) {
                    return null;
                }
            }
            MethodHandle bound = MethodHandles.insertArguments(raw, 1, number);
            bound = MethodHandles.insertArguments(bound, 1 + type.parameterCount(),
                    LongStream.of(trailing).boxed().toArray());
            return MethodHandles.explicitCastArguments(bound, type.insertParameterTypes(0, MemorySegment.class));
        }

        private MethodHandle bind(String name, FunctionDescriptor descriptor, Linker.Option... options) {
            if (failure != null) {
                return null;
            }
            var symbol = libc.find(name);
            if (symbol.isEmpty()) {
                failure = new UnsatisfiedLinkError("no libc symbol " + name);
                return null;
            }
            return bind(symbol.get(), descriptor, options);
        }

        private MethodHandle bind(MemorySegment entry, FunctionDescriptor descriptor, Linker.Option... options) {
            if (failure != null) {
                return null;
            }
            try {
                return linker.downcallHandle(entry, descriptor, options);
            } catch (RuntimeException | Error e) {
                failure = e;
                return null;
            }
        }
    }
}
