package loopwork.core;

import loopwork.core.epoll.EpollSupport;

/**
 * How the loops wait for readiness and move bytes: Java NIO (portable; a channel, a selection key and a
 * socket object per accepted connection) or Linux epoll through the FFM API (plain file descriptors read
 * into and written from the pools' memory; nothing allocated per connection).
 *
 * <p>Thread-safe: an enum.
 */
public enum Transport {
    NIO,
    EPOLL;

    /** System property that, set to {@code false}, makes epoll unavailable, so that {@link #preferred()} is NIO. */
    public static final String EPOLL_PROPERTY = EpollSupport.PROPERTY;

    /** Epoll where {@link EpollSupport#isAvailable()}, else NIO. */
    public static Transport preferred() {
        return EpollSupport.isAvailable() ? EPOLL : NIO;
    }

    /** Whether this transport works in this process. */
    public boolean isAvailable() {
        return this == NIO || EpollSupport.isAvailable();
    }

    /** Why this transport does not work in this process, or {@code null} when it does. */
    public Throwable unavailabilityCause() {
        return this == NIO ? null : EpollSupport.unavailabilityCause();
    }

    /**
     * Why epoll's hot system calls go through glibc with errno capture, which allocates until C2 has compiled
     * them, rather than through the transport's own stub; {@code null} when they go through the stub, or for NIO.
     */
    public String systemCallsThroughGlibcBecause() {
        return this == NIO ? null : EpollSupport.systemCallsThroughGlibcBecause();
    }

    /** The name used on command lines: {@code nio} or {@code epoll}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
