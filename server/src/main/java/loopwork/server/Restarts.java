package loopwork.server;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

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

    private static final Logger LOG = System.getLogger("loopwork.server");

    private volatile ControlSocket control;

    /** After the server started: false if it cannot go on (no control socket, as asked, on a fresh start). */
    boolean begin(TakeOver takeOver, ServerOptions.Listening listening, LoopworkServer server,
            Runnable drain) {
        if (takeOver != null) {
            try {
                takeOver.serving();
                LOG.log(Level.INFO, "took the listening sockets over from " + listening.takeOver()
                        + "; the server there stops");
            } catch (IOException e) {
                LOG.log(Level.WARNING, "serving, but " + e.getMessage());
            }
        }
        if (listening.controlSocket() == null) {
            return true;
        }
        try {
            control = ControlSocket.open(listening.controlSocket(), server.kits(), drain);
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.ERROR, "cannot open the control socket: " + e.getMessage());
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
