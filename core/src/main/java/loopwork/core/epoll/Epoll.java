package loopwork.core.epoll;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.io.IOException;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;

/**
 * One epoll instance and the array its ready events land in: register descriptors with a 64-bit datum each
 * (a context id), {@link #poll} for readiness, then read the i-th event's flags and datum. Registration, poll
 * and the accessors allocate nothing; they return {@code -errno} instead of throwing.
 *
 * <p>{@code struct epoll_event} is {@code uint32_t events; uint64_t data;} and packed on x86_64 (12 bytes, the
 * datum at offset 4, unaligned), naturally aligned elsewhere (16 bytes, the datum at 8): {@link #EVENT_LAYOUT}.
 *
 * <p>Not thread-safe: owned by its event loop. Others wake a loop blocked in {@link #poll} through an
 * {@link EventFd} registered here, never by calling into this object.
 */
public final class Epoll implements AutoCloseable {

    public static final int EPOLLIN = 0x001;
    public static final int EPOLLPRI = 0x002;
    public static final int EPOLLOUT = 0x004;
    public static final int EPOLLERR = 0x008;
    public static final int EPOLLHUP = 0x010;
    /** The peer shut down its writing side (or closed): reported with EPOLLIN; ask for it explicitly. */
    public static final int EPOLLRDHUP = 0x2000;
    public static final int EPOLLONESHOT = 1 << 30;
    public static final int EPOLLET = 1 << 31;

    static final int EPOLL_CLOEXEC = 0x80000;
    static final int EPOLL_CTL_ADD = 1;
    static final int EPOLL_CTL_DEL = 2;
    static final int EPOLL_CTL_MOD = 3;

    /** {@code struct epoll_event} of this platform (the kernel's EPOLL_PACKED is x86_64-only). */
    public static final StructLayout EVENT_LAYOUT = "amd64".equals(System.getProperty("os.arch"))
            ? MemoryLayout.structLayout(JAVA_INT.withName("events"), JAVA_LONG_UNALIGNED.withName("data"))
            : MemoryLayout.structLayout(JAVA_INT.withName("events"), MemoryLayout.paddingLayout(4),
                    JAVA_LONG.withName("data"));
    static final long EVENT_SIZE = EVENT_LAYOUT.byteSize();
    static final long DATA_OFFSET = EVENT_LAYOUT.byteOffset(PathElement.groupElement("data"));

    private final MemorySegment capture;
    /** The ready events epoll_wait fills, {@link #capacity} of them. */
    private final MemorySegment events;
    private final long eventsAddress;
    /** The one event epoll_ctl reads. */
    private final MemorySegment control;
    private final long controlAddress;
    private final int capacity;
    private final int fd;

    /** An epoll instance (close-on-exec) reporting up to {@code capacity} ready descriptors per {@link #poll}. */
    public Epoll(int capacity) throws IOException {
        Syscalls.requireLinked();
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.capacity = capacity;
        var arena = Syscalls.instanceArena();
        capture = arena.allocate(Syscalls.CAPTURE_LAYOUT);
        events = arena.allocate(EVENT_SIZE * capacity, 8);
        eventsAddress = events.address();
        control = arena.allocate(EVENT_LAYOUT);
        controlAddress = control.address();
        int created;
        try {
            created = (int) Syscalls.EPOLL_CREATE1.invokeExact(capture, EPOLL_CLOEXEC);
        } catch (Throwable e) {
            throw Syscalls.unexpected(e);
        }
        if (created < 0) {
            int errno = errno();
            throw Errno.exception("epoll_create1", -errno);
        }
        fd = created;
    }

    /** Watches {@code fd} for {@code interest} (EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET ...): 0 or {@code -errno}. */
    public int add(int fd, int interest, long data) {
        return control(EPOLL_CTL_ADD, fd, interest, data);
    }

    /** Replaces the interest and datum of a watched descriptor: 0 or {@code -errno}. */
    public int modify(int fd, int interest, long data) {
        return control(EPOLL_CTL_MOD, fd, interest, data);
    }

    /** Stops watching {@code fd} (closing it does this too, unless it was dup'ed): 0 or {@code -errno}. */
    public int delete(int fd) {
        return control(EPOLL_CTL_DEL, fd, 0, 0L);
    }

    /**
     * Waits up to {@code timeoutMs} (0: do not block, -1: forever) for readiness: the number of ready events,
     * now readable through {@link #events(int)} and {@link #data(int)}; 0 on timeout or when a signal
     * interrupted the wait (EINTR, to be treated as a spurious wake-up); {@code -errno} on failure.
     */
    public int poll(int timeoutMs) {
        int ready;
        try {
            ready = (int) Syscalls.EPOLL_WAIT.invokeExact(capture, fd, eventsAddress, capacity, timeoutMs);
        } catch (Throwable e) {
            throw Syscalls.unexpected(e);
        }
        if (ready >= 0) {
            return ready;
        }
        int failure = Syscalls.failure(ready, capture);
        return failure == -Errno.EINTR ? 0 : failure;
    }

    /** The flags of the i-th ready event of the last {@link #poll} (EPOLLIN, EPOLLOUT, EPOLLRDHUP, EPOLLERR ...). */
    public int events(int i) {
        return events.get(JAVA_INT, checkIndex(i) * EVENT_SIZE);
    }

    /** The datum registered with the i-th ready event's descriptor. */
    public long data(int i) {
        return events.get(JAVA_LONG_UNALIGNED, checkIndex(i) * EVENT_SIZE + DATA_OFFSET);
    }

    /** How many events one {@link #poll} reports at most. */
    public int capacity() {
        return capacity;
    }

    /** The epoll descriptor itself (it can be watched by another epoll, or polled for readiness). */
    public int fd() {
        return fd;
    }

    /** Closes the epoll descriptor; descriptors it watched stay open. The event array goes with the GC. */
    @Override
    public void close() {
        try {
            int ignored = (int) Syscalls.CLOSE.invokeExact(capture, fd);
        } catch (Throwable e) {
            throw Syscalls.unexpected(e);
        }
    }

    private int control(int op, int target, int interest, long data) {
        control.set(JAVA_INT, 0, interest);
        control.set(JAVA_LONG_UNALIGNED, DATA_OFFSET, data);
        int result;
        try {
            result = (int) Syscalls.EPOLL_CTL.invokeExact(capture, fd, op, target, controlAddress);
        } catch (Throwable e) {
            throw Syscalls.unexpected(e);
        }
        return result >= 0 ? result : Syscalls.failure(result, capture);
    }

    private long checkIndex(int i) {
        assert i >= 0 && i < capacity : i;
        return i;
    }

    private int errno() {
        return capture.get(JAVA_INT, Syscalls.ERRNO_OFFSET);
    }
}
