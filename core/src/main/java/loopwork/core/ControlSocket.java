package loopwork.core;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import loopwork.core.epoll.UnixSockets;

/**
 * The running kit's side of a {@link TakeOver}: a Unix socket at a path where a successor process asks for the
 * kit's listening sockets. The kit keeps serving while it passes them; once the successor says it serves
 * them too, this socket lets go of its path and runs {@code takenOver} (which should stop the kit: drain it,
 * then close it), and serves nobody after that. A successor that fails before saying so changes nothing.
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

    private final Path path;
    private final Kit kit;
    private final Runnable takenOver;
    private final PrintStream log;
    /** The control thread's own: its scratch is not shared with {@link #close()}. */
    private final UnixSockets unix = new UnixSockets();
    private final Thread thread;
    /** Guarded by this: the listening descriptor, -1 once closed (and its path deleted). */
    private int listener;

    private ControlSocket(Path path, Kit kit, Runnable takenOver, PrintStream log) throws IOException {
        this.path = path;
        this.kit = kit;
        this.takenOver = takenOver;
        this.log = log;
        listener = unix.listen(path, 4);
        thread = Thread.ofPlatform().name("loopwork-control").daemon(true).unstarted(this::serve);
    }

    /**
     * Listens at {@code path} for a successor of {@code kit}, which must serve already. A path left by a server
     * that is gone is replaced; one where a server still answers is an error (take that one over instead).
     * {@code log} (or null) hears of each take-over.
     */
    public static ControlSocket open(Path path, Kit kit, Runnable takenOver, PrintStream log) throws IOException {
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
        ControlSocket control = new ControlSocket(path, kit, takenOver, log);
        control.thread.start();
        return control;
    }

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
                say("a take-over failed, serving on: " + e.getMessage());
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
        int[] fds = kit.duplicateListeners();
        try {
            for (int i = 0; i < fds.length; i++) {
                unix.send(connection, ByteBuffer.allocate(TakeOver.MESSAGE).putInt(fds.length).putInt(i).array(),
                        fds[i]);
            }
        } finally {
            for (int fd : fds) {
                unix.close(fd);
            }
        }
        say("passed " + fds.length + " listening socket(s) to pid " + peer + ", waiting for it to serve");
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
        if (log != null) {
            log.println("loopwork: control socket " + path + ": " + line);
        }
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
