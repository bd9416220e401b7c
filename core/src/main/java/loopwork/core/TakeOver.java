package loopwork.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.IntStream;

import loopwork.core.epoll.UnixSockets;

/**
 * The successor's side of a take-over: connects to a running kit's {@link ControlSocket}, receives its
 * listening sockets (SCM_RIGHTS), and, once a kit of its own serves them, tells the running one, which then
 * stops. The sockets are the same ones, not copies: connections the kernel queued on them wait for whichever
 * process accepts next, so none is refused or reset on the way (as HAProxy's {@code expose-fd listeners} and
 * Envoy's hot restart do it).
 *
 * <pre>{@code
 * try (TakeOver takeOver = TakeOver.connect(Path.of("/run/app/control.sock"), 30_000)) {
 *     Kit kit = Kit.builder().inheritListeners(takeOver.listeners()).protocol(p).build();
 *     kit.start();
 *     takeOver.serving(); // the old one stops taking connections and drains
 * }
 * }</pre>
 *
 * <p>A process that runs several kits (a server and its admin listener, say) passes all their sockets in one
 * take-over: {@link #listeners(int) listeners(k)} are those of the running process's k-th kit, in the order it
 * gave them to its {@link ControlSocket}.
 *
 * <p>The conversation: the successor sends {@code LWTAKE02} (8 bytes); the running kit answers with one
 * 12-byte message per socket, its count, index and kit as three big-endian ints, the socket attached; the successor
 * sends {@code LWSERVE1} once it serves them; the running kit answers {@code LWDRAIN1} once it has let go of
 * the control socket's path (so the successor may bind its own there) and is about to stop. If the successor
 * hangs up before {@code LWSERVE1}, the running kit carries on as if nothing happened. Epoll only.
 *
 * <p>Not thread-safe: used by one thread (main, at start-up).
 */
public final class TakeOver implements AutoCloseable {

    static final byte[] REQUEST = ascii("LWTAKE02");
    static final byte[] SERVING = ascii("LWSERVE1");
    static final byte[] DRAINING = ascii("LWDRAIN1");
    static final int MESSAGE = 8;
    /** Each socket's message: count, index and kit. */
    static final int SOCKET_MESSAGE = 12;
    /** The most kits one take-over carries. */
    static final int MAX_KITS = 8;

    private final UnixSockets unix;
    private final Path path;
    private final long timeoutMs;
    private final InheritedListeners[] listeners;
    private int fd;

    private TakeOver(UnixSockets unix, Path path, long timeoutMs, int fd, InheritedListeners[] listeners) {
        this.unix = unix;
        this.path = path;
        this.timeoutMs = timeoutMs;
        this.fd = fd;
        this.listeners = listeners;
    }

    /**
     * Asks the kit whose control socket is at {@code path} for its listening sockets, waiting at most
     * {@code timeoutMs} for each answer; they are this process's from now on.
     *
     * @param path      the running server's control socket
     * @param timeoutMs how long to wait for each of the server's messages, in milliseconds; 0 waits without limit
     * @return the take-over, holding the sockets received; {@link #serving()} completes it
     * @throws IOException if no server listens at {@code path}, or it does not answer in time or as expected;
     *                     then no socket is kept and the running server carries on
     */
    public static TakeOver connect(Path path, long timeoutMs) throws IOException {
        UnixSockets unix = new UnixSockets();
        int fd;
        try {
            fd = unix.connect(path);
        } catch (IOException e) {
            throw new IOException("no running server to take over at " + path + " (" + e.getMessage() + ")", e);
        }
        int[] fds = new int[0];
        int[] kits = new int[0];
        int received = 0;
        try {
            unix.timeouts(fd, timeoutMs);
            unix.send(fd, REQUEST, -1);
            byte[] message = new byte[SOCKET_MESSAGE];
            do {
                int socket = unix.receive(fd, message);
                ByteBuffer fields = ByteBuffer.wrap(message);
                int count = fields.getInt();
                int index = fields.getInt();
                int kit = fields.getInt();
                if (received == 0 && count >= 1 && count <= InheritedListeners.MAX_SOCKETS) {
                    fds = new int[count];
                    kits = new int[count];
                }
                if (socket < 0 || fds.length == 0 || index != received || count != fds.length || kit < 0
                        || kit >= MAX_KITS) {
                    if (socket >= 0) {
                        unix.close(socket);
                    }
                    throw new IOException(fds.length == 0 ? "the running server offered " + count
                            + " listening sockets" : "unexpected message from the running server: count " + count
                            + ", index " + index + ", kit " + kit + (socket < 0 ? ", no socket attached" : ""));
                }
                fds[received] = socket;
                kits[received++] = kit;
            } while (received < fds.length);
        } catch (IOException | RuntimeException e) {
            for (int i = 0; i < received; i++) {
                unix.close(fds[i]);
            }
            unix.close(fd);
            throw new IOException("taking over from " + path + " failed: " + e.getMessage(), e);
        }
        return new TakeOver(unix, path, timeoutMs, fd, byKit(path, fds, kits));
    }

    /** The sockets received, grouped by the running process's kit. */
    private static InheritedListeners[] byKit(Path path, int[] fds, int[] kits) {
        InheritedListeners[] groups = new InheritedListeners[Arrays.stream(kits).max().orElse(0) + 1];
        for (int k = 0; k < groups.length; k++) {
            int kit = k;
            int[] own = IntStream.range(0, fds.length).filter(i -> kits[i] == kit).map(i -> fds[i])
                    .toArray();
            groups[k] = own.length == 0 ? InheritedListeners.none()
                    : InheritedListeners.of("take-over from " + path + (k == 0 ? "" : " (its kit " + k + ")"), own);
        }
        return groups;
    }

    /**
     * {@return the sockets of the running process's first kit: give them to a kit with
     * {@link KitBuilder#inheritListeners}}
     */
    public InheritedListeners listeners() {
        return listeners(0);
    }

    /**
     * {@return the sockets of the running process's {@code kit}-th kit, or {@link InheritedListeners#none()} if
     * it had fewer}
     *
     * @param kit the kit's index, 0 or more, in the order the running process gave them to its {@link ControlSocket}
     */
    public InheritedListeners listeners(int kit) {
        return kit < listeners.length ? listeners[kit] : InheritedListeners.none();
    }

    /**
     * Tells the running kit that this process serves the sockets now, and waits until it has let go of its
     * control socket's path and begins to stop. Closes this take-over, whatever the outcome.
     *
     * @throws IOException if the running server does not confirm within the timeout: both processes may then
     *                     be serving the sockets, and the old one is not stopping
     * @throws IllegalStateException if this take-over is closed already
     */
    public void serving() throws IOException {
        if (fd < 0) {
            throw new IllegalStateException("closed");
        }
        try {
            unix.send(fd, SERVING, -1);
            byte[] answer = new byte[MESSAGE];
            int stray = unix.receive(fd, answer);
            if (stray >= 0) {
                unix.close(stray);
            }
            if (!Arrays.equals(answer, DRAINING)) {
                throw new IOException("unexpected answer " + new String(answer, StandardCharsets.US_ASCII));
            }
        } catch (IOException e) {
            throw new IOException("the server at " + path + " did not confirm the take-over within " + timeoutMs
                    + " ms: " + e.getMessage(), e);
        } finally {
            close();
        }
    }

    /** Hangs up; before {@link #serving()}, the running kit then carries on. Not the sockets: a kit owns them. */
    @Override
    public void close() {
        if (fd >= 0) {
            unix.close(fd);
            fd = -1;
        }
    }

    static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
