package loopwork.core.epoll;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * A non-blocking eventfd for waking an event loop from other threads: the loop watches {@link #fd()} for
 * EPOLLIN in its {@link Epoll}; a waker calls {@link #wake()}, which adds 1 to the kernel counter and makes
 * the descriptor readable; the loop, seeing it ready, calls {@link #reset()} to read the counter back to 0.
 *
 * <p>Not thread-safe: owned by its event loop, except {@link #wake()}, which any thread may call at any time
 * before {@link #close()}: it goes through {@code eventfd_write}, which takes the value itself rather than a
 * buffer, and ignores errno, so wakers share no memory. Guarding it so that only one wake is written per
 * sleep (an atomic flag the loop sets before blocking) is the loop's business.
 */
public final class EventFd implements AutoCloseable {

    static final int EFD_NONBLOCK = 0x800;
    static final int EFD_CLOEXEC = 0x80000;

    private final MemorySegment capture;
    /** The 8-byte counter {@link #reset()} reads into. */
    private final MemorySegment counter;
    private final long counterAddress;
    private final int fd;
    private volatile boolean closed;

    public EventFd() throws IOException {
        Syscalls.requireLinked();
        var arena = Syscalls.instanceArena();
        capture = arena.allocate(Syscalls.CAPTURE_LAYOUT);
        counter = arena.allocate(JAVA_LONG);
        counterAddress = counter.address();
        int created;
        try {
            created = (int) Syscalls.EVENTFD.invokeExact(capture, 0, EFD_NONBLOCK | EFD_CLOEXEC);
        } catch (Throwable e) {
            throw Syscalls.unexpected(e);
        }
        if (created < 0) {
            int errno = capture.get(JAVA_INT, Syscalls.ERRNO_OFFSET);
            throw Errno.exception("eventfd", -errno);
        }
        fd = created;
    }

    public int fd() {
        return fd;
    }

    /**
     * Any thread: makes {@link #fd()} readable. Returns false only after {@link #close()} or if the counter is
     * saturated (2^64 - 2 wakes without a reset), both harmless to a waker.
     */
    public boolean wake() {
        if (closed) {
            return false;
        }
        try {
            return (int) Syscalls.EVENTFD_WRITE.invokeExact(fd, 1L) == 0;
        } catch (Throwable e) {
            throw Syscalls.unexpected(e);
        }
    }

    /** Owner: reads the counter back to 0; returns the wakes since the last reset, 0 if none, or {@code -errno}. */
    public long reset() {
        long n;
        try {
            n = (long) Syscalls.READ.invokeExact(capture, fd, counterAddress, 8L);
        } catch (Throwable e) {
            throw Syscalls.unexpected(e);
        }
        if (n == 8) {
            return counter.get(JAVA_LONG, 0);
        }
        if (n >= 0) {
            return -Errno.EIO; // an eventfd read is all 8 bytes or an error
        }
        int failure = Syscalls.failure(n, capture);
        return failure == -Errno.EAGAIN ? 0 : failure;
    }

    /**
     * Closes the descriptor. Wakers must have stopped first: one racing past the closed check would write to a
     * descriptor number that may by then belong to a new connection.
     */
    @Override
    public void close() {
        closed = true;
        try {
            int ignored = (int) Syscalls.CLOSE.invokeExact(capture, fd);
        } catch (Throwable e) {
            throw Syscalls.unexpected(e);
        }
    }
}
