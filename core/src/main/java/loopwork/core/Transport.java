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

    /** Epoll where {@link EpollSupport#isAvailable()}, else NIO. */
    public static Transport preferred() {
        return EpollSupport.isAvailable() ? EPOLL : NIO;
    }

    /** Whether this transport works in this process. */
    public boolean isAvailable() {
        return this == NIO || EpollSupport.isAvailable();
    }

    /** The name used on command lines: {@code nio} or {@code epoll}. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
