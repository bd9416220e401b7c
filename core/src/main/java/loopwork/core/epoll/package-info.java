/**
 * A Linux epoll transport through the FFM API, no JNI: sockets ({@link loopwork.core.epoll.LinuxSockets}),
 * readiness ({@link loopwork.core.epoll.Epoll}), cross-thread wake-up ({@link loopwork.core.epoll.EventFd}),
 * errno codes ({@link loopwork.core.epoll.Errno}) and whether any of it works here
 * ({@link loopwork.core.epoll.EpollSupport}). Connections are plain {@code int} file descriptors and their
 * bytes move straight between the kernel and off-heap slab addresses, so accepting, reading, writing and
 * closing allocate nothing on the Java heap; Java NIO stays the fallback where this is unavailable.
 *
 * <p>Hot-path calls return a count or a negative errno ({@code -Errno.EAGAIN} when a non-blocking call would
 * block) instead of throwing; {@link loopwork.core.epoll.Errno#exception} turns a code into an
 * {@link java.io.IOException} on the slow path. Constants and struct layouts are those of Linux on x86_64
 * (verified) and aarch64 (same generic values, not run).
 */
package loopwork.core.epoll;
