package loopwork.core.epoll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.BindException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import loopwork.core.memory.ReservedMemory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Real sockets on 127.0.0.1, driven through the bindings; java.net.Socket plays the clients. */
class LinuxSocketsTest {

    private static final long TIMEOUT_NS = 10_000_000_000L;

    private LinuxSockets sockets;
    private Epoll epoll;
    private final List<Integer> fds = new ArrayList<>();

    @BeforeEach
    void open() throws Exception {
        assumeThat(EpollSupport.isAvailable()).as("epoll: %s", EpollSupport.unavailabilityCause()).isTrue();
        sockets = new LinuxSockets();
        epoll = new Epoll(16);
    }

    @AfterEach
    void close() {
        if (sockets != null) {
            for (int fd : fds) {
                sockets.close(fd);
            }
            epoll.close();
        }
    }

    @Test
    void epollEventIsPackedOnX86() {
        if ("amd64".equals(System.getProperty("os.arch"))) {
            assertThat(Epoll.EVENT_SIZE).isEqualTo(12);
            assertThat(Epoll.DATA_OFFSET).isEqualTo(4);
        } else {
            assertThat(Epoll.EVENT_SIZE).isEqualTo(16);
            assertThat(Epoll.DATA_OFFSET).isEqualTo(8);
        }
    }

    @Test
    void twoListenersShareAPortThroughReusePortAndBothAcceptThroughEpoll() throws Exception {
        int first = track(sockets.openListener("127.0.0.1", 0, 128, true));
        int port = sockets.localPort(first);
        assertThat(port).isPositive();
        int second = track(sockets.openListener("127.0.0.1", port, 128, true));
        assertThat(sockets.localPort(second)).isEqualTo(port);
        assertThat(epoll.add(first, Epoll.EPOLLIN, 1L)).isZero();
        assertThat(epoll.add(second, Epoll.EPOLLIN, 2L)).isZero();

        int connections = 64;
        List<Socket> clients = new ArrayList<>();
        try {
            for (int i = 0; i < connections; i++) {
                clients.add(new Socket(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port));
            }
            int[] acceptedBy = new int[3];
            long deadline = System.nanoTime() + TIMEOUT_NS;
            while (acceptedBy[1] + acceptedBy[2] < connections && System.nanoTime() - deadline < 0) {
                int ready = epoll.poll(100);
                assertThat(ready).isGreaterThanOrEqualTo(0);
                for (int i = 0; i < ready; i++) {
                    int listener = (int) epoll.data(i);
                    int fd;
                    while ((fd = sockets.accept(listener == 1 ? first : second)) >= 0) {
                        track(fd);
                        acceptedBy[listener]++;
                    }
                    assertThat(fd).as("accept ends when the backlog is empty").isEqualTo(-Errno.EAGAIN);
                }
            }
            assertThat(acceptedBy[1] + acceptedBy[2]).isEqualTo(connections);
            assertThat(acceptedBy[1]).as("the kernel spreads connections over both listeners").isPositive();
            assertThat(acceptedBy[2]).as("the kernel spreads connections over both listeners").isPositive();
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }
    }

    @Test
    void theWildcardAddressBindsAndReportsItsPort() throws Exception {
        int listener = track(sockets.openListener("0.0.0.0", 0, 16, false));
        int port = sockets.localPort(listener);
        assertThat(port).isBetween(1, 65535);
        try (Socket client = new Socket(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port)) {
            assertThat(epoll.add(listener, Epoll.EPOLLIN, 3L)).isZero();
            awaitEvent(3L);
            assertThat(track(sockets.accept(listener))).isPositive();
            assertThat(sockets.accept(listener)).isEqualTo(-Errno.EAGAIN);
        }
    }

    @Test
    void aSecondBindWithoutReusePortFailsWithEaddrinuse() throws Exception {
        int first = track(sockets.openListener("127.0.0.1", 0, 16, false));
        int port = sockets.localPort(first);
        assertThatThrownBy(() -> sockets.openListener("127.0.0.1", port, 16, false))
                .isInstanceOf(BindException.class).hasMessageContaining("EADDRINUSE");
    }

    @Test
    void requestAndResponseThroughASlabThenEagainThenPeerClose() throws Exception {
        int listener = track(sockets.openListener("127.0.0.1", 0, 16, false));
        int port = sockets.localPort(listener);
        assertThat(epoll.add(listener, Epoll.EPOLLIN, 1L)).isZero();
        try (ReservedMemory slab = ReservedMemory.reserve(1 << 16);
                Socket client = new Socket(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port)) {
            client.setSoTimeout(10_000);
            MemorySegment memory = slab.segment();
            awaitEvent(1L);
            int fd = track(sockets.accept(listener));
            assertThat(fd).isPositive();
            assertThat(sockets.setTcpNoDelay(fd, true)).isZero();
            assertThat(sockets.read(fd, memory, 4096, 512)).as("nothing sent yet").isEqualTo(-Errno.EAGAIN);
            assertThat(epoll.add(fd, Epoll.EPOLLIN | Epoll.EPOLLRDHUP, 7L)).isZero();
            assertThat(epoll.add(fd, Epoll.EPOLLIN, 7L)).as("added twice").isEqualTo(-Errno.EEXIST);

            client.getOutputStream().write("GET /\n".getBytes(StandardCharsets.US_ASCII));
            assertThat(awaitEvent(7L) & Epoll.EPOLLIN).isNotZero();
            int n = sockets.read(fd, memory, 4096, 512);
            assertThat(n).isEqualTo(6);
            assertThat(new String(memory.asSlice(4096, n).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.US_ASCII))
                    .isEqualTo("GET /\n");
            assertThat(sockets.read(fd, memory.address() + 4096, 512)).as("drained").isEqualTo(-Errno.EAGAIN);

            byte[] response = "200 OK\n".getBytes(StandardCharsets.US_ASCII);
            MemorySegment.copy(response, 0, memory, ValueLayout.JAVA_BYTE, 8192, response.length);
            assertThat(sockets.write(fd, memory, 8192, response.length)).isEqualTo(response.length);
            assertThat(sockets.shutdown(fd, LinuxSockets.SHUT_WR)).isZero();
            InputStream in = client.getInputStream();
            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).as("response, then EOF")
                    .isEqualTo("200 OK\n");

            client.close();
            int events = awaitEvent(7L);
            assertThat(events & Epoll.EPOLLRDHUP).as("peer closed: RDHUP").isNotZero();
            assertThat(events & Epoll.EPOLLIN).as("peer closed: IN").isNotZero();
            assertThat(sockets.read(fd, memory, 4096, 512)).as("end of stream").isZero();

            // Writing to a closed peer: the first write may still be accepted, then RST makes it fail
            // (EPIPE or ECONNRESET, never a SIGPIPE: the JVM ignores that signal).
            int written = 0;
            for (int i = 0; i < 100 && written >= 0; i++) {
                written = sockets.write(fd, memory, 8192, response.length);
                Thread.sleep(1);
            }
            assertThat(written).isIn(-Errno.EPIPE, -Errno.ECONNRESET);
            assertThatThrownBy(() -> sockets.read(fd, memory, 0, 513 + (int) memory.byteSize()))
                    .isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void badDescriptorsAreNegativeCodesNotExceptions() {
        MemorySegment scratch = Arena.ofAuto().allocate(16);
        assertThat(sockets.read(1_000_000, scratch, 0, 16)).isEqualTo(-Errno.EBADF);
        assertThat(sockets.write(1_000_000, scratch, 0, 16)).isEqualTo(-Errno.EBADF);
        assertThat(sockets.accept(1_000_000)).isEqualTo(-Errno.EBADF);
        assertThat(sockets.close(1_000_000)).isEqualTo(-Errno.EBADF);
        assertThat(epoll.add(1_000_000, Epoll.EPOLLIN, 0L)).isEqualTo(-Errno.EBADF);
        assertThat(epoll.delete(0)).as("stdin is not watched").isIn(-Errno.ENOENT, -Errno.EPERM);
    }

    @Test
    void theHotCallsGoThroughTheSystemCallStubOnLinuxAmd64UnlessItIsTurnedOff() {
        boolean expected = System.getProperty("os.arch").equals("amd64")
                && !"false".equals(System.getProperty(SyscallStub.PROPERTY));
        assertThat(Syscalls.DIRECT).as("stub unused because: " + SyscallStub.UNUSED_BECAUSE).isEqualTo(expected);
    }

    @Test
    @SuppressWarnings("restricted")
    void theStubPassesAllSixArgumentsIncludingTheOneOnTheStack() throws Throwable {
        assumeThat(SyscallStub.ENTRY).as("stub unused because: " + SyscallStub.UNUSED_BECAUSE).isNotNull();
        var stub = java.lang.foreign.Linker.nativeLinker().downcallHandle(SyscallStub.ENTRY, SyscallStub.DESCRIPTOR);
        MemorySegment scratch = Arena.ofAuto().allocate(64, 8); // events at 0, a signal mask at 32
        long epollPwait = 281; // x86_64, the only architecture with a stub
        // epoll_pwait checks its sixth argument, the mask's size, only when there is a mask: 8 is right, 7 not.
        long right = (long) stub.invokeExact(epollPwait, (long) epoll.fd(), scratch.address(), 1L, 0L,
                scratch.address() + 32, 8L);
        long wrong = (long) stub.invokeExact(epollPwait, (long) epoll.fd(), scratch.address(), 1L, 0L,
                scratch.address() + 32, 7L);
        assertThat(right).isZero();
        assertThat(wrong).isEqualTo(-Errno.EINVAL);
    }

    /** Polls until an event carries {@code data}; returns its flags. */
    private int awaitEvent(long data) {
        long deadline = System.nanoTime() + TIMEOUT_NS;
        while (System.nanoTime() - deadline < 0) {
            int ready = epoll.poll(100);
            assertThat(ready).isGreaterThanOrEqualTo(0);
            for (int i = 0; i < ready; i++) {
                if (epoll.data(i) == data) {
                    return epoll.events(i);
                }
            }
        }
        throw new AssertionError("no event for " + data + " within 10 s");
    }

    private int track(int fd) {
        assertThat(fd).isGreaterThanOrEqualTo(0);
        fds.add(fd);
        return fd;
    }
}
