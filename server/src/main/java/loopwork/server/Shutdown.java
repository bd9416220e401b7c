package loopwork.server;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.reflect.Proxy;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How the program stops, as systemd and Kubernetes expect: the first SIGTERM or SIGINT begins a graceful drain
 * ({@link LoopworkServer#drain}) that the main thread runs, bounded by --drain-timeout; a second one stops at
 * once. The JVM's own handling of these signals (shutdown hooks at once) would cut what is in flight.
 *
 * <p>Thread-safe: each signal arrives on a thread of its own; the main thread waits in {@link #drainWhenAsked}.
 */
final class Shutdown {

    private static final Logger LOG = System.getLogger("loopwork.server");

    private final LoopworkServer server;
    private final long drainTimeoutMs;
    private final CountDownLatch asked = new CountDownLatch(1);
    private final AtomicInteger signals = new AtomicInteger();
    /** When the first signal came; published to the main thread by {@link #asked}. */
    private long drainStartNs;

    Shutdown(LoopworkServer server, int drainTimeoutSeconds) {
        this.server = server;
        this.drainTimeoutMs = TimeUnit.SECONDS.toMillis(drainTimeoutSeconds);
    }

    /** From now on SIGTERM and SIGINT come here. */
    void install() throws ReflectiveOperationException {
        handle("TERM");
        handle("INT");
    }

    /**
     * Has {@code sun.misc.Signal} (module jdk.unsupported, the JDK's supported way to handle a signal) call
     * {@link #signalled} for the signal {@code name}. By reflection: javac warns at every direct use of that
     * class, and this build fails on warnings.
     */
    private void handle(String name) throws ReflectiveOperationException {
        Class<?> signal = Class.forName("sun.misc.Signal");
        Class<?> handler = Class.forName("sun.misc.SignalHandler");
        Object proxy = Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler},
                (self, method, args) -> switch (method.getName()) {
                    case "handle" -> {
                        signalled(name);
                        yield null;
                    }
                    case "equals" -> self == args[0];
                    case "hashCode" -> System.identityHashCode(self);
                    default -> "loopwork's SIG" + name + " handler";
                });
        signal.getMethod("handle", signal, handler).invoke(null, signal.getConstructor(String.class).newInstance(name),
                proxy);
    }

    /** Unready and draining at once, on the thread that was told to stop; the main thread waits for the end. */
    private void beginDrain() {
        drainStartNs = System.nanoTime();
        server.beginDrain();
    }

    private void signalled(String name) {
        if (signals.incrementAndGet() == 1) {
            beginDrain(); // here, not on the main thread: unready the moment the signal comes
            LOG.log(Level.INFO, "SIG{0}: draining: no new connections; what is open finishes within {1} s. Another "
                    + "signal stops at once.", name, drainTimeoutMs / 1000);
            asked.countDown();
            return;
        }
        long open = server.kit().openConnections();
        LOG.log(Level.WARNING, "SIG{0} again: stopping now; {1} connections reset", name, open);
        server.closeNow();
    }

    /**
     * A successor took the listening sockets over (see {@link Restarts}): drain as on the first signal; a signal
     * after it stops at once.
     */
    void takenOver() {
        if (signals.incrementAndGet() == 1) {
            beginDrain();
            LOG.log(Level.INFO, "taken over: draining: no new connections; what is open finishes within {0} s",
                    drainTimeoutMs / 1000);
            asked.countDown();
        }
    }

    /** On the main thread: waits for the first signal, drains, and stops the server. */
    void drainWhenAsked() throws InterruptedException {
        asked.await();
        long left = server.awaitDrained(drainTimeoutMs - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drainStartNs));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drainStartNs);
        if (left > 0 && signals.get() == 1) {
            LOG.log(Level.WARNING, String.format(Locale.ROOT, "drain timed out after %,d ms: %d connections still "
                    + "open are reset", tookMs, left));
            server.closeNow(); // the drain's time was what they had
        } else if (signals.get() == 1) {
            LOG.log(Level.INFO, String.format(Locale.ROOT, "drained in %,d ms: every connection finished", tookMs));
        }
        server.close();
        LOG.log(Level.INFO, "stopped");
    }
}
