package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import loopwork.core.Transport;

import org.junit.jupiter.api.Test;

/**
 * The zero-allocation invariant, as a count: bytes allocated by the loop and worker threads
 * ({@code ThreadMXBean#getThreadAllocatedBytes}) per request after warm-up, and per connection: none on the
 * epoll transport, and on NIO no more than bare NIO allocates for the same accept/register/read/write/close.
 */
class AllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final String PIPELINE = RawHttp.FAST.repeat(16);

    @Test
    void servingRequestsOnOpenConnectionsAllocatesNothing() throws Exception {
        try (TestServer server = TestServer.start(2, 64, 2, 0)) {
            List<Thread> threads = server.server.kit().threads();
            RawHttp[] clients = new RawHttp[4];
            for (int i = 0; i < clients.length; i++) {
                clients[i] = new RawHttp(server.port());
            }
            try {
                run(clients, 3_000); // warm-up: the JIT compiles the paths
                long before = allocated(threads);
                long requests = run(clients, 1_400);
                long bytes = allocated(threads) - before;
                double perRequest = (double) bytes / requests;
                System.out.printf("allocation: %d requests (fast, slow, pipelined), %d bytes on %d loop and worker"
                        + " threads, %.4f bytes per request%n", requests, bytes, threads.size(), perRequest);
                assertThat(requests).isGreaterThanOrEqualTo(100_000);
                assertThat(perRequest).as("bytes allocated per request on loop and worker threads").isLessThan(1.0);
            } finally {
                for (RawHttp client : clients) {
                    client.close();
                }
            }
        }
    }

    /** Each round on each client: 16 pipelined fast, one slow (a worker task), one single fast; returns requests. */
    private static long run(RawHttp[] clients, int rounds) throws IOException {
        long requests = 0;
        for (int round = 0; round < rounds; round++) {
            for (RawHttp client : clients) {
                client.send(PIPELINE);
                for (int i = 0; i < 16; i++) {
                    assertStatus(client.read());
                }
                assertStatus(client.exchange(RawHttp.SLOW));
                assertStatus(client.exchange(RawHttp.FAST));
                requests += 18;
            }
        }
        return requests;
    }

    private static long allocated(List<Thread> threads) {
        long sum = 0;
        for (Thread thread : threads) {
            sum += THREADS.getThreadAllocatedBytes(thread.threadId());
        }
        return sum;
    }

    private static void assertStatus(RawHttp.Response response) {
        if (response.status() != 200) {
            throw new AssertionError("status " + response.status());
        }
    }

    @Test
    void perConnectionTheEpollTransportAllocatesNothingAndNioOnlyWhatNioDoes() throws Exception {
        int cycles = 3_000;
        boolean epoll = Transport.preferred() == Transport.EPOLL;
        double ours;
        // Deferring accepts by the load, as the program does by default: these one-at-a-time clients connect
        // and then write, so the loop finds nothing at accept, defers, looks again every 32 windows of 64
        // connections, and the cycles cross its switches.
        try (TestServer server = TestServer.startDeferringByLoad(64)) {
            long loopThread = server.loops().get(0).threadId();
            // Warm-up until the JIT has compiled the per-connection paths: 6,000 to 12,000 connections here; at most
            // 50,000. On NIO, which allocates per connection whatever the JIT does, a fixed 4,000.
            int quietRounds = 0;
            int warmUp = 0;
            boolean deferred = false;
            while (epoll ? warmUp < 50_000 && quietRounds < 2 : warmUp < 4_000) {
                long start = THREADS.getThreadAllocatedBytes(loopThread);
                connectCycles(server.port(), 2_000);
                warmUp += 2_000;
                quietRounds = THREADS.getThreadAllocatedBytes(loopThread) == start ? quietRounds + 1 : 0;
                deferred |= server.loops().get(0).deferringAccept() == 1;
            }
            System.out.printf("per-connection warm-up: %,d connections%n", warmUp);
            assertThat(deferred).as("the loop deferred accepts during the warm-up").isEqualTo(epoll);
            server.assertPoolsFull();
            long before = THREADS.getThreadAllocatedBytes(loopThread);
            connectCycles(server.port(), cycles);
            server.assertPoolsFull();
            ours = (double) (THREADS.getThreadAllocatedBytes(loopThread) - before) / cycles;
        }
        if (epoll) {
            System.out.printf("allocation per connection (accept, request, answer, close), epoll: %.2f bytes%n", ours);
            assertThat(ours).as("bytes the loop allocates per connection on the epoll transport").isLessThan(1.0);
            return;
        }
        double nio = bareNioBytesPerConnection(cycles);
        System.out.printf("allocation per connection (accept, request, answer, close): loopwork loop %.0f bytes,"
                + " bare NIO doing the same calls %.0f bytes%n", ours, nio);
        // What NIO allocates per accepted channel (SocketChannelImpl, its FileDescriptor, addresses, the
        // SelectionKey) is the whole of it: our own code adds no more than noise.
        assertThat(ours).isLessThan(nio + 64);
    }

    private static void connectCycles(int port, int cycles) throws IOException {
        for (int i = 0; i < cycles; i++) {
            try (RawHttp client = new RawHttp(port)) {
                assertStatus(client.exchange("GET /test/fast HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
                client.closedByServer();
            }
        }
    }

    /** The same NIO calls as a loop makes per connection, with nothing of ours, on a thread of its own. */
    private static double bareNioBytesPerConnection(int cycles) throws Exception {
        byte[] answer = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII);
        try (ServerSocketChannel listener = ServerSocketChannel.open(); Selector selector = Selector.open()) {
            listener.bind(new InetSocketAddress("127.0.0.1", 0));
            listener.configureBlocking(false);
            listener.register(selector, SelectionKey.OP_ACCEPT);
            int port = ((InetSocketAddress) listener.getLocalAddress()).getPort();
            AtomicLong measured = new AtomicLong();
            Thread loop = new Thread(() -> {
                ByteBuffer in = ByteBuffer.allocateDirect(4096);
                ByteBuffer out = ByteBuffer.allocateDirect(answer.length).put(answer);
                int[] served = {0};
                long[] start = {0};
                try {
                    while (served[0] < 2 * cycles) {
                        selector.select(key -> {
                            try {
                                if (key.isAcceptable()) {
                                    SocketChannel channel = listener.accept();
                                    if (channel != null) {
                                        channel.configureBlocking(false);
                                        channel.setOption(StandardSocketOptions.TCP_NODELAY, Boolean.TRUE);
                                        channel.register(selector, SelectionKey.OP_READ);
                                    }
                                    return;
                                }
                                SocketChannel channel = (SocketChannel) key.channel();
                                in.clear();
                                if (channel.read(in) > 0) {
                                    channel.write(out.clear());
                                }
                                key.cancel();
                                channel.close();
                                if (++served[0] == cycles) {
                                    start[0] = THREADS.getCurrentThreadAllocatedBytes(); // warmed up
                                }
                            } catch (IOException e) {
                                throw new IllegalStateException(e);
                            }
                        }, 1000);
                    }
                    measured.set(THREADS.getCurrentThreadAllocatedBytes() - start[0]);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, "bare-nio");
            loop.start();
            Thread client = new Thread(() -> {
                try {
                    connectCycles(port, 2 * cycles);
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            client.start();
            client.join(60_000);
            loop.join(60_000);
            return (double) measured.get() / cycles;
        }
    }
}
