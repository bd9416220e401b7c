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
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import loopwork.core.LoopStatistics;
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
    private static final String CLOSE = "GET /test/fast HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    private static final String HEALTH = "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n";
    private static final String READY = "GET /readyz HTTP/1.1\r\nHost: t\r\n\r\n";
    /** The route API's paths: a small body echoed with its Content-Type (read by name), a path parameter, headers. */
    private static final String ECHO = "POST /test/echo HTTP/1.1\r\nHost: t\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 24\r\n\r\nan echo of twenty-four b";
    /** A 64 KiB body: gathered in one of the loop's small body buffers, and answered from it. */
    private static final String ECHO_64K = "POST /test/echo HTTP/1.1\r\nHost: t\r\nContent-Length: 65536\r\n\r\n"
            + "0123456789abcdef".repeat(4096);
    private static final String ITEM = "GET /test/items/12345 HTTP/1.1\r\nHost: t\r\n\r\n";
    private static final String HEADERS = "GET /test/headers HTTP/1.1\r\nHost: t\r\nAccept: */*\r\nX-Test: 1\r\n\r\n";
    /** Connections between two decisions of a loop deferring by the load (AcceptDeferral.WINDOW). */
    private static final int WINDOW = 64;
    /** Windows such a loop defers before it looks again (AcceptDeferral.WINDOWS_ON). */
    private static final int WINDOWS_ON = 32;
    /** Rounds of {@link #run} counted at a time: about 9,000 requests. */
    private static final int CHUNK = 100;

    @Test
    void servingRequestsOnOpenConnectionsAllocatesNothing() throws Exception {
        try (TestServer server = TestServer.start(2, 64, 2, 0)) {
            List<Thread> threads = server.server.kit().threads();
            RawHttp[] clients = new RawHttp[4];
            for (int i = 0; i < clients.length; i++) {
                clients[i] = new RawHttp(server.port());
            }
            try {
                int warmUp = warmUp(clients, threads);
                // Four chunks counted. An allocation on any path taken more often than once in a chunk's ~9,000
                // requests shows in every chunk; so one chunk of 0 bytes proves there is none. What comes once (a
                // deoptimization putting objects the compiled code had scalar-replaced on the heap; on NIO 176 B
                // in nearly every run, now and then 64 B more) may come in the others.
                long[] bytes = new long[4];
                long requests = 0;
                for (int i = 0; i < bytes.length; i++) {
                    long before = allocated(threads);
                    requests += run(clients, CHUNK);
                    bytes[i] = allocated(threads) - before;
                }
                long total = Arrays.stream(bytes).sum();
                System.out.printf("allocation: after %d rounds of warm-up, %d requests (fast, slow, pipelined, health,"
                        + " readiness, echoes, item, headers) in 4 chunks, %s bytes on %d loop and worker threads%n",
                        warmUp * CHUNK, requests, Arrays.toString(bytes), threads.size());
                assertThat(requests).isGreaterThanOrEqualTo(25_000);
                assertThat(Arrays.stream(bytes).min().orElseThrow())
                        .as("bytes in the quietest of 4 chunks of %d requests on loop and worker threads: 0 unless"
                                + " something allocates in each", requests / 4).isZero();
                assertThat((double) total / requests).as("bytes allocated per request").isLessThan(1.0);
            } finally {
                for (RawHttp client : clients) {
                    client.close();
                }
            }
        }
    }

    /**
     * Warm-up until the JIT has compiled the paths: chunks of {@link #CHUNK} rounds until three in a row allocate
     * nothing on the kit's threads, at most 40; returns the chunks run.
     */
    private static int warmUp(RawHttp[] clients, List<Thread> threads) throws IOException {
        int chunks = 0;
        for (int quiet = 0; chunks < 40 && quiet < 3; chunks++) {
            long start = allocated(threads);
            run(clients, CHUNK);
            quiet = allocated(threads) == start ? quiet + 1 : 0;
        }
        return chunks;
    }

    /**
     * Each round on each client: 16 pipelined fast, one slow (a worker task), one single fast, one /healthz, one
     * /readyz, one small POST echoed (and one of 64 KiB every 16th round), one path parameter and one header listing; returns requests.
     */
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
                assertStatus(client.exchange(HEALTH));
                assertStatus(client.exchange(READY));
                assertStatus(client.exchange(ECHO));
                if (round % 16 == 0) { // 4 MB a round otherwise: the test would take minutes
                    assertStatus(client.exchange(ECHO_64K));
                    requests++;
                }
                assertStatus(client.exchange(ITEM));
                assertStatus(client.exchange(HEADERS));
                requests += 23;
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

    /**
     * Per connection, accept to close. On epoll the server defers accepting by the load, as the program does by
     * default, and the connections are made so that its loop switches TCP_DEFER_ACCEPT on and off in every
     * round, whatever the machine's load (see {@link #roundAcrossTheDeferralSwitches}): the warm-up compiles
     * both switches and every kind of accept, and the count covers them.
     */
    @Test
    void perConnectionTheEpollTransportAllocatesNothingAndNioOnlyWhatNioDoes() throws Exception {
        boolean epoll = Transport.preferred() == Transport.EPOLL;
        try (TestServer server = TestServer.startDeferringByLoad(WINDOW)) {
            LoopStatistics loop = server.loops().getFirst();
            long loopThread = loop.threadId();
            if (!epoll) {
                connectCycles(server.port(), 4_000); // NIO allocates per connection whatever the JIT does
                long before = THREADS.getThreadAllocatedBytes(loopThread);
                int cycles = 3_000;
                connectCycles(server.port(), cycles);
                server.assertPoolsFull();
                double ours = (double) (THREADS.getThreadAllocatedBytes(loopThread) - before) / cycles;
                assertThat(loop.deferringAccept()).as("NIO cannot defer").isZero();
                double nio = bareNioBytesPerConnection(cycles);
                System.out.printf("allocation per connection (accept, request, answer, close): loopwork loop %.0f"
                        + " bytes, bare NIO doing the same calls %.0f bytes%n", ours, nio);
                // What NIO allocates per accepted channel (SocketChannelImpl, its FileDescriptor, addresses, the
                // SelectionKey) is the whole of it: our own code adds no more than noise.
                assertThat(ours).isLessThan(nio + 64);
                return;
            }
            // Warm-up until the JIT has compiled the per-connection paths: two rounds in a row allocating nothing
            // on the loop (6 rounds of 2,112 connections here); at most 50,000 connections.
            int quietRounds = 0;
            int warmUp = 0;
            while (warmUp < 50_000 && quietRounds < 2) {
                long start = THREADS.getThreadAllocatedBytes(loopThread);
                warmUp += roundAcrossTheDeferralSwitches(server);
                quietRounds = THREADS.getThreadAllocatedBytes(loopThread) == start ? quietRounds + 1 : 0;
            }
            System.out.printf("per-connection warm-up: %,d connections%n", warmUp);
            long before = THREADS.getThreadAllocatedBytes(loopThread);
            int connections = roundAcrossTheDeferralSwitches(server);
            double ours = (double) (THREADS.getThreadAllocatedBytes(loopThread) - before) / connections;
            System.out.printf("allocation per connection (accept, request, answer, close, and the loop turning"
                    + " deferral on and off), epoll: %.2f bytes over %,d connections%n", ours, connections);
            assertThat(ours).as("bytes the loop allocates per connection on the epoll transport").isLessThan(1.0);
        }
    }

    /**
     * One round of connections that has the loop (deferring by the load, and not deferring with a fresh window
     * when the round starts, as after the last round) turn TCP_DEFER_ACCEPT on and off again, made so that its
     * decisions do not depend on timing. First a window of connections whose requests come only once all of
     * them were accepted: each is certain to have been accepted before its request, so the window turns
     * deferring on. Then connection cycles, each deferred by the kernel until its request arrived, until
     * {@link #WINDOWS_ON} windows turn it off again. (Connections that send at once while the loop does not
     * defer would be accepted before or after their requests by the race between the loop and this thread:
     * on a loaded machine nearly all come with them, and such a loop may never defer.) Returns the number of
     * connections.
     */
    private static int roundAcrossTheDeferralSwitches(TestServer server) throws Exception {
        LoopStatistics loop = server.loops().getFirst();
        assertThat(loop.deferringAccept()).as("deferring when a round starts").isZero();
        server.assertPoolsFull();
        long accepted = server.accepted();
        RawHttp[] late = new RawHttp[WINDOW];
        try {
            for (int i = 0; i < late.length; i++) {
                late[i] = new RawHttp(server.port());
            }
            // The loop decides after the window's last accept, once the last of these was connected: none of them
            // can have been deferred.
            awaitLoop(() -> server.accepted() == accepted + WINDOW, "a window of connections accepted", server);
            awaitLoop(() -> loop.deferringAccept() == 1, "deferring after a window accepted before its requests",
                    server);
            for (RawHttp client : late) {
                assertStatus(client.exchange(CLOSE));
                client.closedByServer();
            }
        } finally {
            for (RawHttp client : late) {
                if (client != null) {
                    client.close();
                }
            }
        }
        server.assertPoolsFull();
        connectCycles(server.port(), WINDOWS_ON * WINDOW);
        // The loop turns deferring off after the last one's answer and close: wait for it, so that the next
        // round's connections cannot come while its listener still defers.
        awaitLoop(() -> loop.deferringAccept() == 0, "not deferring after " + WINDOWS_ON + " windows", server);
        return WINDOW + WINDOWS_ON * WINDOW;
    }

    /** Waits, up to 10 s, for the loop to reach a state it is bound to reach; fails if it does not. */
    private static void awaitLoop(BooleanSupplier condition, String what, TestServer server)
            throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError(what + ": not within 10 s; accepted " + server.accepted()
                        + ", deferring " + server.loops().getFirst().deferringAccept());
            }
            Thread.sleep(1);
        }
    }

    private static void connectCycles(int port, int cycles) throws IOException {
        for (int i = 0; i < cycles; i++) {
            try (RawHttp client = new RawHttp(port)) {
                assertStatus(client.exchange(CLOSE));
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
