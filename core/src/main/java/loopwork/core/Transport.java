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
    /** Java NIO's selector and socket channels: any platform, some allocation per connection. */
    NIO,
    /**
     * Linux epoll through the FFM API, on amd64 or aarch64: needs native access for {@code loopwork.core}
     * ({@code --enable-native-access}).
     */
    EPOLL;

    /** System property that, set to {@code false}, makes epoll unavailable, so that {@link #preferred()} is NIO. */
    public static final String EPOLL_PROPERTY = EpollSupport.PROPERTY;

    /**
     * {@return {@link #EPOLL} where it works in this process (probed once: Linux, native access, a kernel that
     * serves epoll, not turned off by {@link #EPOLL_PROPERTY}), else {@link #NIO}}
     */
    public static Transport preferred() {
        return EpollSupport.isAvailable() ? EPOLL : NIO;
    }

    /** {@return whether this transport works in this process: always for NIO; see {@link #preferred()}} */
    public boolean isAvailable() {
        return this == NIO || EpollSupport.isAvailable();
    }

    /** {@return why this transport does not work in this process, or {@code null} when it does} */
    public Throwable unavailabilityCause() {
        return this == NIO ? null : EpollSupport.unavailabilityCause();
    }

    /**
     * {@return why epoll's hot system calls go through glibc with errno capture, which allocates until C2 has
     * compiled them, rather than through the transport's own stub; {@code null} when they go through the stub,
     * or for NIO} For a start-up log line.
     */
    public String systemCallsThroughGlibcBecause() {
        return this == NIO ? null : EpollSupport.systemCallsThroughGlibcBecause();
    }

    /** {@return the name used on command lines and in logs: {@code nio} or {@code epoll}} */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
