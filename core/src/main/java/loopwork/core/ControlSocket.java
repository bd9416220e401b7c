package loopwork.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import loopwork.core.epoll.UnixSockets;

/**
 * The running kit's side of a {@link TakeOver}: a Unix socket at a path where a successor process asks for the
 * listening sockets of the process's kits (a server's and its admin listener's, say: the successor finds each
 * kit's with {@link TakeOver#listeners(int)}, in the order given here). The kits keep serving while it passes
 * them; once the successor says it serves them too, this socket lets go of its path and runs {@code takenOver}
 * (which should stop the kits: drain them, then close them), and serves nobody after that. A successor that
 * fails before saying so changes nothing. Each take-over, and each that failed, is logged ({@code
 * loopwork.control}).
 *
 * <p>Whoever can connect to the path can take the server's sockets: put it in a directory only the server's
 * user can enter (systemd's {@code RuntimeDirectory=}, mode 0700). Epoll only.
 *
 * <p>Thread-safe: its own thread ({@code loopwork-control}) serves it, one successor at a time;
 * {@link #close()} may come from any thread.
 */
public final class ControlSocket implements AutoCloseable {

    /** How long each step of a take-over may wait for the successor. */
    public static final long TIMEOUT_MS = 30_000;

    private static final System.Logger LOG = System.getLogger("loopwork.control");

    private final Path path;
    private final List<Kit> kits;
    private final Runnable takenOver;
    /** The control thread's own: its scratch is not shared with {@link #close()}. */
    private final UnixSockets unix = new UnixSockets();
    private final Thread thread;
    /** Guarded by this: the listening descriptor, -1 once closed (and its path deleted). */
    private int listener;

    private ControlSocket(Path path, List<Kit> kits, Runnable takenOver) throws IOException {
        this.path = path;
        this.kits = List.copyOf(kits);
        this.takenOver = takenOver;
        listener = unix.listen(path, 4);
        thread = Thread.ofPlatform().name("loopwork-control").daemon(true).unstarted(this::serve);
    }

    /**
     * As {@link #open(Path, List, Runnable)} for one kit.
     *
     * @param path      where to listen, a path for a Unix socket in a directory only the server's user can enter
     * @param kit       the kit whose listening sockets a successor takes; it must serve already
     * @param takenOver run on the control thread once a successor serves the sockets: should stop the kit
     * @return the control socket, listening, its thread started
     * @throws IOException if it cannot listen at {@code path}, or a running server already does
     */
    public static ControlSocket open(Path path, Kit kit, Runnable takenOver) throws IOException {
        return open(path, List.of(kit), takenOver);
    }

    /**
     * Listens at {@code path} for a successor of {@code kits}, which must serve already. A path left by a server
     * that is gone is replaced; one where a server still answers is an error (take that one over instead).
     *
     * @param path      where to listen, a path for a Unix socket in a directory only the server's user can enter
     * @param kits      1 to 8 kits, each serving already; a successor finds the k-th one's sockets with
     *                  {@link TakeOver#listeners(int) listeners(k)}
     * @param takenOver run once, on the control thread, when a successor serves the sockets: should drain the
     *                  kits, then close them
     * @return the control socket, listening, its thread started
     * @throws IOException if it cannot listen at {@code path}, or a running server already does
     * @throws IllegalArgumentException if there are no kits or more than 8
     */
    public static ControlSocket open(Path path, List<Kit> kits, Runnable takenOver) throws IOException {
        if (kits.isEmpty() || kits.size() > TakeOver.MAX_KITS) {
            throw new IllegalArgumentException("1.." + TakeOver.MAX_KITS + " kits, not " + kits.size());
        }
        if (Files.exists(path)) {
            UnixSockets probe = new UnixSockets();
            int alive;
            try {
                alive = probe.connect(path);
            } catch (IOException gone) {
                alive = -1;
            }
            if (alive >= 0) {
                probe.close(alive);
                throw new IOException("control socket " + path + " belongs to a running server: take it over "
                        + "(--take-over " + path + ") or stop it");
            }
            Files.delete(path);
        }
        ControlSocket control = new ControlSocket(path, kits, takenOver);
        control.thread.start();
        return control;
    }

    /** {@return where it listens (deleted once it is closed or taken over)} */
    public Path path() {
        return path;
    }

    private void serve() {
        for (;;) {
            int fd;
            synchronized (this) {
                fd = listener;
            }
            if (fd < 0) {
                return;
            }
            int connection;
            try {
                connection = unix.accept(fd); // the descriptor stays open until this thread returns
            } catch (IOException e) {
                release(); // shut down by close(), or broken: either way no successor can come
                return;
            }
            boolean handedOver = false;
            try {
                handedOver = handOver(connection);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "control socket {0}: a take-over failed, serving on: {1}", path,
                        e.getMessage());
            } finally {
                unix.close(connection);
            }
            if (handedOver) {
                takenOver.run();
                return;
            }
        }
    }

    /** One successor's request: whether it took the sockets over. */
    private boolean handOver(int connection) throws IOException {
        unix.timeouts(connection, TIMEOUT_MS);
        long peer = unix.peerPid(connection);
        byte[] message = new byte[TakeOver.MESSAGE];
        closeStray(unix.receive(connection, message));
        if (!Arrays.equals(message, TakeOver.REQUEST)) {
            throw new IOException("pid " + peer + " sent something other than a take-over request");
        }
        int[][] fds = new int[kits.size()][];
        try {
            int count = 0;
            for (int k = 0; k < fds.length; k++) {
                fds[k] = kits.get(k).duplicateListeners();
                count += fds[k].length;
            }
            if (count > InheritedListeners.MAX_SOCKETS) {
                throw new IOException(count + " listening sockets, more than a successor takes ("
                        + InheritedListeners.MAX_SOCKETS + ")");
            }
            int index = 0;
            for (int k = 0; k < fds.length; k++) {
                for (int fd : fds[k]) {
                    unix.send(connection, ByteBuffer.allocate(TakeOver.SOCKET_MESSAGE).putInt(count).putInt(index++)
                            .putInt(k).array(), fd);
                }
            }
        } finally {
            for (int[] kit : fds) {
                for (int fd : kit == null ? new int[0] : kit) {
                    unix.close(fd);
                }
            }
        }
        int passed = Arrays.stream(fds).mapToInt(kit -> kit.length).sum();
        say("passed " + passed + " listening socket(s) of " + fds.length + " kit(s) to pid " + peer
                + ", waiting for it to serve");
        closeStray(unix.receive(connection, message));
        if (!Arrays.equals(message, TakeOver.SERVING)) {
            throw new IOException("pid " + peer + " did not confirm that it serves");
        }
        release(); // before answering: the successor binds its own control socket at this path next
        unix.send(connection, TakeOver.DRAINING, -1);
        say("pid " + peer + " serves the listening sockets now; stopping");
        return true;
    }

    private void closeStray(int fd) {
        if (fd >= 0) {
            unix.close(fd);
        }
    }

    /** Stops listening and deletes the path, once. */
    private synchronized void release() {
        if (listener < 0) {
            return;
        }
        unix.close(listener);
        listener = -1;
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            say("cannot delete " + path + ": " + e.getMessage());
        }
    }

    private void say(String line) {
        LOG.log(System.Logger.Level.INFO, "control socket {0}: {1}", path, line);
    }

    /**
     * Stops taking successors: wakes the control thread's wait, which then closes the socket and deletes its
     * path, and waits a moment for that. A take-over under way goes on to its end.
     */
    @Override
    public void close() {
        synchronized (this) {
            if (listener >= 0) {
                new UnixSockets().shutdown(listener); // accept then fails at once
            }
        }
        if (Thread.currentThread() != thread) {
            try {
                thread.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
