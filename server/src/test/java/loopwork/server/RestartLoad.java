package loopwork.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * A client for restarts under load, counting every failure by kind: clients on kept-alive connections
 * (every {@code slowEvery}-th request {@code /test/slow}, the rest {@code /test/fast}), clients opening a new
 * connection per request, and one reader of {@code /test/stream} at a limited rate, all paced to a total rate.
 *
 * <p>Kinds: refused (connect refused), reset (a reset, or the end of the connection, once part of an answer
 * came, or before any of it on a new connection: both lost), empty (a new connection closed with no byte of
 * an answer), retried (a request on a kept-alive connection that the server closed, or reset, before any byte
 * of its answer: HTTP clients resend those, RFC 9110 9.2.2, and so does this one, on a new connection),
 * stream cut (a stream that ended early), timeout, and other (an answer that is not 200).
 *
 * <p>Thread-safe: counters are adders; {@link #stop()} from any thread. Uses the JDK alone, so that
 * bench/restarts.sh runs it from the test classes: {@code RestartLoad PORT STOPFILE [RATE]}, which prints
 * the counts once STOPFILE exists.
 */
final class RestartLoad {

    enum Kind { OK, REFUSED, RESET, EMPTY, RETRIED, STREAM_OK, STREAM_CUT, TIMEOUT, OTHER }

    private static final int TIMEOUT_MS = 10_000;
    private final LongAdder[] counts = new LongAdder[Kind.values().length];
    private final int port;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;
    /** The status line of the last answer that was not 200, for the summary. */
    private volatile String lastOther;

    RestartLoad(int port) {
        this.port = port;
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    /** Starts the clients: {@code keptAlive} and {@code fresh} of them sharing {@code rate} requests a second. */
    RestartLoad start(int keptAlive, int fresh, int slowEvery, long streamBytes, int rate) {
        long intervalNs = TimeUnit.SECONDS.toNanos(1) * (keptAlive + fresh) / rate;
        for (int i = 0; i < keptAlive; i++) {
            threads.add(Thread.ofPlatform().name("kept-alive-" + i).start(() -> requests(true, slowEvery, intervalNs)));
        }
        for (int i = 0; i < fresh; i++) {
            threads.add(Thread.ofPlatform().name("fresh-" + i).start(() -> requests(false, slowEvery, intervalNs)));
        }
        if (streamBytes > 0) {
            threads.add(Thread.ofPlatform().name("stream").start(() -> streams(streamBytes)));
        }
        return this;
    }

    void stop() throws InterruptedException {
        stopping = true;
        for (Thread thread : threads) {
            thread.join();
        }
    }

    long count(Kind kind) {
        return counts[kind.ordinal()].sum();
    }

    /** Requests and answers that are not lost: answered, or retried. */
    long lost() {
        return count(Kind.REFUSED) + count(Kind.RESET) + count(Kind.EMPTY) + count(Kind.STREAM_CUT)
                + count(Kind.TIMEOUT) + count(Kind.OTHER);
    }

    String summary() {
        StringBuilder line = new StringBuilder();
        for (Kind kind : Kind.values()) {
            line.append(kind.name().toLowerCase(Locale.ROOT)).append('=').append(count(kind)).append(' ');
        }
        line.append("lost=").append(lost());
        return lastOther == null ? line.toString() : line.append(" (last other: ").append(lastOther).append(')')
                .toString();
    }

    private void requests(boolean keepAlive, int slowEvery, long intervalNs) {
        byte[] fast = request("/test/fast", keepAlive);
        byte[] slow = request("/test/slow", keepAlive);
        Socket socket = null;
        int used = 0;
        long next = System.nanoTime();
        for (long n = 0; !stopping; n++) {
            next += intervalNs;
            LockSupport.parkNanos(next - System.nanoTime());
            byte[] request = slowEvery > 0 && n % slowEvery == 0 ? slow : fast;
            for (;;) { // until answered, or lost: only a retry comes round again
                if (socket == null) {
                    socket = connect();
                    used = 0;
                    if (socket == null) {
                        break;
                    }
                }
                Outcome outcome = exchange(socket, request, used > 0);
                used++;
                if (outcome != Outcome.KEEP) {
                    close(socket);
                    socket = null;
                }
                if (outcome != Outcome.RETRY) {
                    break;
                }
            }
        }
        close(socket);
    }

    private enum Outcome { KEEP, CLOSE, RETRY }

    private Outcome exchange(Socket socket, byte[] request, boolean reused) {
        int got = 0;
        try {
            socket.getOutputStream().write(request);
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (head.length() < 4 || !head.substring(head.length() - 4).equals("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new EndOfStream();
                }
                got++;
                head.append((char) b);
            }
            String lower = head.toString().toLowerCase(Locale.ROOT);
            int length = contentLength(lower);
            for (int i = 0; i < length; i++) {
                if (in.read() < 0) {
                    throw new EndOfStream();
                }
            }
            if (lower.startsWith("http/1.1 200")) {
                add(Kind.OK);
            } else {
                add(Kind.OTHER);
                lastOther = head.substring(0, head.indexOf("\r\n"));
            }
            return lower.contains("\r\nconnection: close\r\n") || length < 0 ? Outcome.CLOSE : Outcome.KEEP;
        } catch (SocketTimeoutException e) {
            add(Kind.TIMEOUT);
        } catch (IOException | EndOfStream e) { // a reset, a broken pipe, or the end of the stream
            if (got == 0 && reused) {
                add(Kind.RETRIED);
                return Outcome.RETRY;
            }
            add(got == 0 && e instanceof EndOfStream ? Kind.EMPTY : Kind.RESET);
        }
        return Outcome.CLOSE;
    }

    /** One stream after another, read at about 5 MB/s. */
    private void streams(long bytes) {
        byte[] request = ("GET /test/stream?bytes=" + bytes + " HTTP/1.1\r\nHost: restart\r\nConnection: close"
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] buffer = new byte[16_384];
        while (!stopping) {
            Socket socket = connect();
            if (socket == null) {
                continue;
            }
            long read = 0;
            long start = System.nanoTime();
            try (socket) {
                socket.getOutputStream().write(request);
                InputStream in = socket.getInputStream();
                for (int n; (n = in.read(buffer)) > 0; ) {
                    read += n;
                    long due = start + read * 200; // 5 MB/s: 200 ns a byte
                    LockSupport.parkNanos(due - System.nanoTime());
                }
            } catch (IOException e) {
                // counted below by what arrived
            }
            add(read > bytes ? Kind.STREAM_OK : Kind.STREAM_CUT); // the head makes a whole answer longer
        }
    }

    private Socket connect() {
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            return socket;
        } catch (ConnectException e) {
            add(Kind.REFUSED);
        } catch (SocketTimeoutException e) {
            add(Kind.TIMEOUT);
        } catch (IOException e) {
            add(Kind.OTHER);
            lastOther = e.toString();
        }
        close(socket);
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // a refusing port: do not spin
        return null;
    }

    private void add(Kind kind) {
        counts[kind.ordinal()].increment();
    }

    private static byte[] request(String path, boolean keepAlive) {
        return ("GET " + path + " HTTP/1.1\r\nHost: restart\r\n" + (keepAlive ? "" : "Connection: close\r\n")
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static int contentLength(String head) {
        int at = head.indexOf("\r\ncontent-length:");
        if (at < 0) {
            return -1;
        }
        int end = head.indexOf("\r\n", at + 2);
        return Integer.parseInt(head.substring(at + 17, end).trim());
    }

    private static void close(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // gone already
            }
        }
    }

    /** The server closed the connection: not an IOException from the JDK, a -1 from read. */
    private static final class EndOfStream extends Exception {
        private static final long serialVersionUID = 1L;

        EndOfStream() {
            super(null, null, false, false);
        }
    }

    /** {@code RestartLoad PORT STOPFILE [RATE]}: runs until STOPFILE exists, then prints the counts. */
    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        Path stopFile = Path.of(args[1]);
        int rate = args.length > 2 ? Integer.parseInt(args[2]) : 4000;
        RestartLoad load = new RestartLoad(port).start(8, 4, 20, 50_000_000L, rate);
        long started = System.nanoTime();
        while (!Files.exists(stopFile)) {
            Thread.sleep(100);
        }
        load.stop();
        double seconds = (System.nanoTime() - started) / 1e9;
        long requests = load.count(Kind.OK) + load.count(Kind.STREAM_OK) + load.lost();
        System.out.printf(Locale.ROOT, "requests=%d rate=%.0f/s %s%n", requests, requests / seconds, load.summary());
    }
}
