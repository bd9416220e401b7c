package loopwork.server;

import java.io.IOException;
import java.io.PrintStream;

import loopwork.core.ControlSocket;
import loopwork.core.TakeOver;

/**
 * The server's part in a restart that loses nothing, once it serves: tells the server it took the listening
 * sockets over from ({@code --take-over}) that it serves them now, so that one stops; and opens its own
 * control socket ({@code --control-socket}) for its successor, stopping once one has taken over.
 *
 * <p>Once taken over, the server drains as on SIGTERM ({@code drain}): it finishes what it holds, and the
 * connections waiting in the kernel are the successor's (the sockets live on there).
 *
 * <p>Thread-safe: {@link #begin} on the main thread; {@link #close()} from the shutdown hook.
 */
final class Restarts implements AutoCloseable {

    private volatile ControlSocket control;

    /** After the server started: false if it cannot go on (no control socket, as asked, on a fresh start). */
    boolean begin(TakeOver takeOver, ServerOptions.Listening listening, LoopworkServer server,
            Runnable drain, PrintStream out, PrintStream err) {
        if (takeOver != null) {
            try {
                takeOver.serving();
                out.println("loopwork: took the listening sockets over from " + listening.takeOver()
                        + "; the server there stops");
            } catch (IOException e) {
                err.println("loopwork: serving, but " + e.getMessage());
            }
            out.flush();
        }
        if (listening.controlSocket() == null) {
            return true;
        }
        try {
            control = ControlSocket.open(listening.controlSocket(), server.kit(), drain, out);
            return true;
        } catch (IOException | RuntimeException e) {
            err.println("loopwork: cannot open the control socket: " + e.getMessage());
            return takeOver != null; // after a take-over this is the only server left: serve on without it
        }
    }

    @Override
    public void close() {
        ControlSocket open = control;
        if (open != null) {
            open.close();
        }
    }
}
