package loopwork.core.epoll;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;

import loopwork.core.memory.ReservedMemory;

import org.junit.jupiter.api.Test;

/**
 * The zero-allocation claim as a count: bytes allocated on the serving thread
 * ({@code ThreadMXBean#getCurrentThreadAllocatedBytes}) across whole connections (readiness, accept, register,
 * read, write, close) after warm-up, with the clients on another thread; and the same cycle through NIO.
 */
class EpollAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final byte[] REQUEST = "PING\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] RESPONSE = "PONG\n".getBytes(StandardCharsets.US_ASCII);
    private static final long PHASE_TIMEOUT_NS = 60_000_000_000L;
    private static final int CHUNK = 1_000;
    private static final int MAX_WARM_UP_CHUNKS = 40;
    private static final int NIO_WARM_UP_CHUNKS = 12;
    private static final int MEASURED = 10_000;

    /** Serves {@code connections} whole connections, or fewer if the deadline passes; returns how many. */
    private interface Server {
        int serve(int connections, long deadlineNs);
    }

    @Test
    void tenThousandConnectionsThroughEpollAllocateNothingOnTheLoopThread() throws Exception {
        assumeThat(EpollSupport.isAvailable()).as("epoll: %s", EpollSupport.unavailabilityCause()).isTrue();
        long bytes = measureEpoll();
        System.out.printf("epoll allocation: %d bytes for %d connections (%.3f per connection)%n",
                bytes, MEASURED, (double) bytes / MEASURED);
        assertThat(bytes).as("bytes allocated on the loop thread over %d connections", MEASURED).isZero();
    }

    @Test
    void perConnectionComparisonWithNio() throws Exception {
        assumeThat(EpollSupport.isAvailable()).as("epoll: %s", EpollSupport.unavailabilityCause()).isTrue();
        long nio;
        try (ServerSocketChannel channel = ServerSocketChannel.open(); Selector selector = Selector.open()) {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 1024);
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_ACCEPT);
            nio = measure(new NioServer(channel, selector), ((InetSocketAddress) channel.getLocalAddress()).getPort(),
                    NIO_WARM_UP_CHUNKS, NIO_WARM_UP_CHUNKS);
        }
        long epoll = measureEpoll();
        System.out.printf("per accepted connection (accept, register, read, write, close): NIO %.1f bytes,"
                + " epoll bindings %.3f bytes%n", (double) nio / MEASURED, (double) epoll / MEASURED);
    }

    private static long measureEpoll() throws Exception {
        LinuxSockets sockets = new LinuxSockets();
        try (Epoll epoll = new Epoll(64); ReservedMemory slab = ReservedMemory.reserve(1 << 16)) {
            int listener = sockets.openListener("127.0.0.1", 0, 1024, false);
            try {
                return measure(new EpollServer(sockets, epoll, slab.segment(), listener), sockets.localPort(listener), 10,
                        MAX_WARM_UP_CHUNKS);
            } finally {
                sockets.close(listener);
            }
        }
    }

    /**
     * Warms up in chunks of {@link #CHUNK} connections until two chunks in a row allocate nothing (at least
     * {@code minWarmUpChunks}, at most {@code maxWarmUpChunks}: C2 must have compiled the loop and inlined
     * the downcalls, before which each FFM call allocates about 40 bytes), then counts the bytes this thread
     * allocates serving {@link #MEASURED} connections.
     */
    private static long measure(Server server, int port, int minWarmUpChunks, int maxWarmUpChunks)
            throws Exception {
        Clients clients = new Clients(port);
        Thread thread = Thread.ofPlatform().name("epoll-test-clients").start(clients);
        try {
            int chunks = 0;
            int quietChunks = 0;
            long chunkBytes = -1;
            while (chunks < minWarmUpChunks || quietChunks < 2 && chunks < maxWarmUpChunks) {
                long before = THREADS.getCurrentThreadAllocatedBytes();
                int served = server.serve(CHUNK, System.nanoTime() + PHASE_TIMEOUT_NS);
                chunkBytes = THREADS.getCurrentThreadAllocatedBytes() - before;
                chunks++;
                quietChunks = chunkBytes == 0 ? quietChunks + 1 : 0;
                assertThat(served).as("warm-up served").isEqualTo(CHUNK); // after the count: AssertJ allocates
            }
            System.out.printf("%s warm-up: %d connections, the last %d allocated %d bytes%n",
                    server.getClass().getSimpleName(), chunks * CHUNK, CHUNK, chunkBytes);
            long before = THREADS.getCurrentThreadAllocatedBytes();
            int served = server.serve(MEASURED, System.nanoTime() + PHASE_TIMEOUT_NS);
            long bytes = THREADS.getCurrentThreadAllocatedBytes() - before;
            assertThat(served).as("measured connections served").isEqualTo(MEASURED);
            return bytes;
        } finally {
            clients.stop = true;
            long deadline = System.nanoTime() + PHASE_TIMEOUT_NS;
            while (thread.isAlive() && System.nanoTime() - deadline < 0) {
                server.serve(1, System.nanoTime() + 100_000_000L); // the client's last connection, if any
            }
            thread.join(10_000);
            if (clients.failure != null) {
                throw new AssertionError("client failed", clients.failure);
            }
        }
    }

    /** The loop under test: readiness, accept until EAGAIN, register with the fd as datum, read, answer, close. */
    private static final class EpollServer implements Server {
        private static final long LISTENER = -1L;
        private final LinuxSockets sockets;
        private final Epoll epoll;
        private final int listener;
        private final long input;
        private final long output;

        EpollServer(LinuxSockets sockets, Epoll epoll, MemorySegment slab, int listener) {
            this.sockets = sockets;
            this.epoll = epoll;
            this.listener = listener;
            input = slab.address();
            output = slab.address() + 4096;
            MemorySegment.copy(RESPONSE, 0, slab, ValueLayout.JAVA_BYTE, 4096, RESPONSE.length);
            assertThat(epoll.add(listener, Epoll.EPOLLIN, LISTENER)).isZero();
        }

        @Override
        public int serve(int connections, long deadlineNs) {
            int served = 0;
            while (served < connections && System.nanoTime() - deadlineNs < 0) {
                int ready = epoll.poll(100);
                assert ready >= 0 : ready;
                for (int i = 0; i < ready; i++) {
                    long data = epoll.data(i);
                    if (data == LISTENER) {
                        int fd;
                        while ((fd = sockets.accept(listener)) >= 0) {
                            sockets.setTcpNoDelay(fd, true);
                            int added = epoll.add(fd, Epoll.EPOLLIN | Epoll.EPOLLRDHUP, fd);
                            assert added == 0 : added;
                        }
                        assert fd == -Errno.EAGAIN : fd;
                    } else {
                        int fd = (int) data;
                        int n = sockets.read(fd, input, 512);
                        if (n == -Errno.EAGAIN) {
                            continue;
                        }
                        if (n > 0) {
                            int written = sockets.write(fd, output, RESPONSE.length);
                            assert written == RESPONSE.length : written;
                        }
                        sockets.close(fd);
                        served++;
                    }
                }
            }
            return served;
        }
    }

    /** The same cycle through NIO, with the house's zero-garbage select (a consumer in a field). */
    private static final class NioServer implements Server, Consumer<SelectionKey> {
        private final ServerSocketChannel channel;
        private final Selector selector;
        private final ByteBuffer input = ByteBuffer.allocateDirect(512);
        private final ByteBuffer output = ByteBuffer.allocateDirect(RESPONSE.length).put(RESPONSE);
        private int served;

        NioServer(ServerSocketChannel channel, Selector selector) {
            this.channel = channel;
            this.selector = selector;
        }

        @Override
        public int serve(int connections, long deadlineNs) {
            served = 0;
            try {
                while (served < connections && System.nanoTime() - deadlineNs < 0) {
                    selector.select(this, 100);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return served;
        }

        @Override
        public void accept(SelectionKey key) {
            try {
                if (key.isAcceptable()) {
                    SocketChannel accepted;
                    while ((accepted = channel.accept()) != null) {
                        accepted.configureBlocking(false);
                        accepted.setOption(StandardSocketOptions.TCP_NODELAY, true);
                        accepted.register(selector, SelectionKey.OP_READ);
                    }
                } else if (key.isReadable()) {
                    SocketChannel connection = (SocketChannel) key.channel();
                    int n = connection.read(input.clear());
                    if (n == 0) {
                        return;
                    }
                    if (n > 0) {
                        connection.write(output.clear());
                    }
                    connection.close();
                    served++;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** One connection at a time until stopped: connect, send the request, read the answer to EOF, close. */
    private static final class Clients implements Runnable {
        private final int port;
        volatile boolean stop;
        volatile Throwable failure;

        Clients(int port) {
            this.port = port;
        }

        @Override
        public void run() {
            byte[] answer = new byte[64];
            try {
                InetSocketAddress server = new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port);
                for (int i = 0; !stop; i++) {
                    try (Socket socket = new Socket()) {
                        socket.setSoTimeout(10_000);
                        socket.connect(server, 10_000);
                        socket.getOutputStream().write(REQUEST);
                        InputStream in = socket.getInputStream();
                        int length = 0;
                        int n;
                        while ((n = in.read(answer, length, answer.length - length)) > 0) {
                            length += n;
                        }
                        if (!Arrays.equals(answer, 0, length, RESPONSE, 0, RESPONSE.length)) {
                            throw new AssertionError("connection " + i + " answered "
                                    + new String(answer, 0, length, StandardCharsets.US_ASCII));
                        }
                    }
                }
            } catch (IOException | RuntimeException | Error e) {
                failure = e;
            }
        }
    }
}
