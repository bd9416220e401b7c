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
 * <p>The hot calls (accept, recv, send, shutdown, close, setsockopt, epoll_ctl, epoll_wait, the eventfd's read) go
 * through {@link loopwork.core.epoll.SyscallStub}, which returns {@code -errno} itself, so they allocate
 * nothing whichever way the JIT runs them. Where the stub is refused they go through glibc with errno capture,
 * and zero allocation then rests on C2: each such downcall makes a slice of the capture segment (JDK
 * {@code SharedUtils.checkCaptureSegment}) that escape analysis removes once the call is compiled, and not
 * before; if a caller inlines so many downcalls that C2's node budget (NodeCountInliningCutoff) runs out in
 * the middle of one, that call site allocates 40 bytes per call.
 * {@code -XX:CompileCommand=dontinline,loopwork.core.epoll.*::*} (as bin/loopwork passes) keeps each wrapper
 * compiled on its own: a syscall costs far more than the call it keeps.
 */
package loopwork.core.epoll;
