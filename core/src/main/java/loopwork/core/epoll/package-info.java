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
 *
 * <p>Zero allocation rests on C2: each downcall with errno capture makes a slice of the capture segment
 * (JDK {@code SharedUtils.checkCaptureSegment}) that escape analysis removes once the call is compiled. If a
 * caller inlines so many downcalls that C2's node budget (NodeCountInliningCutoff) runs out in the middle of
 * one, that one call site allocates 40 bytes per call. Keep a loop's per-event work in separate methods, keep
 * an allocation test on the loop, or make it certain with
 * {@code -XX:CompileCommand=dontinline,loopwork.core.epoll.LinuxSockets::*} (and {@code Epoll::poll},
 * {@code Epoll::control}, {@code EventFd::reset}): a syscall costs far more than the call it keeps.
 */
package loopwork.core.epoll;
