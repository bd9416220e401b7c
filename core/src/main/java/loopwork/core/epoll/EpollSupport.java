package loopwork.core.epoll;

/**
 * Whether the epoll transport works in this process, decided once: Linux on amd64 or aarch64, every libc
 * symbol bound through FFM (native access allowed), and a probe that the kernel really serves epoll and
 * eventfd (a seccomp filter or an emulated kernel may not). Choose the transport with {@link #isAvailable()}
 * and keep Java NIO as the fallback; {@code -Dloopwork.epoll=false} forces the fallback.
 *
 * <p>Thread-safe: the answer is computed once, on first use, under class initialisation.
 */
public final class EpollSupport {

    /** System property that, set to {@code false}, makes {@link #isAvailable()} answer false. */
    public static final String PROPERTY = "loopwork.epoll";

    private EpollSupport() {
    }

    public static boolean isAvailable() {
        return Probe.CAUSE == null;
    }

    /** Why the transport is unavailable, or {@code null} when it is available. */
    public static Throwable unavailabilityCause() {
        return Probe.CAUSE;
    }

    /**
     * Why the transport's hot system calls go through glibc with errno capture, not through its own stub
     * ({@link SyscallStub}), or {@code null} when they go through the stub. Through glibc they allocate
     * until C2 has compiled them.
     */
    public static String systemCallsThroughGlibcBecause() {
        return Syscalls.DIRECT ? null : SyscallStub.UNUSED_BECAUSE;
    }

    /** Throws {@link UnsupportedOperationException}, with the cause, unless {@link #isAvailable()}. */
    public static void ensureAvailable() {
        Throwable cause = Probe.CAUSE;
        if (cause != null) {
            throw new UnsupportedOperationException("epoll transport unavailable: " + cause, cause);
        }
    }

    private static final class Probe {
        static final Throwable CAUSE = probe();

        private static Throwable probe() {
            if ("false".equalsIgnoreCase(System.getProperty(PROPERTY))) {
                return new UnsupportedOperationException("disabled by -D" + PROPERTY + "=false");
            }
            if (Syscalls.LINK_FAILURE != null) {
                return Syscalls.LINK_FAILURE;
            }
            // One round trip of what a loop does: an eventfd registered in an epoll set, woken, reported, reset.
            try (Epoll epoll = new Epoll(1); EventFd wakeup = new EventFd()) {
                int added = epoll.add(wakeup.fd(), Epoll.EPOLLIN, 42L);
                if (added < 0) {
                    return Errno.exception("epoll_ctl", added);
                }
                if (!wakeup.wake()) {
                    return new IllegalStateException("eventfd_write failed");
                }
                int ready = epoll.poll(0);
                if (ready != 1 || epoll.data(0) != 42L || (epoll.events(0) & Epoll.EPOLLIN) == 0) {
                    return new IllegalStateException("epoll_wait reported " + ready + " events, not the eventfd");
                }
                long wakes = wakeup.reset();
                return wakes == 1 ? null : new IllegalStateException("eventfd read " + wakes + ", not 1");
            } catch (Exception | LinkageError e) {
                return e;
            }
        }
    }
}
