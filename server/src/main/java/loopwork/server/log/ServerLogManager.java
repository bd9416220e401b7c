package loopwork.server.log;

import java.util.logging.LogManager;

/**
 * The program's java.util.logging manager: the JDK's, except that once {@link ServerLog} has configured it, a
 * reset does nothing. The JDK resets the manager from a shutdown hook of its own, which removes every handler
 * while the program's hook is still stopping the server: without this, the lines that say it stopped (and how
 * a drain went) would be lost. Named by {@code -Djava.util.logging.manager}, which {@link ServerLog#install()}
 * sets before anything logs; the JDK makes it by reflection, hence public.
 *
 * <p>Thread-safe: frozen once, on the main thread, before the server starts; read by whichever thread resets.
 */
public final class ServerLogManager extends LogManager {

    private volatile boolean frozen;

    /** Made by the JDK's LogManager, when logging is first used. */
    public ServerLogManager() {
        super();
    }

    /** From now on the configuration stays, through the JVM's shutdown. */
    void freeze() {
        frozen = true;
    }

    @Override
    public void reset() {
        if (!frozen) {
            super.reset();
        }
    }
}
