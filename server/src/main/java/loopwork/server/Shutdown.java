package loopwork.server;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.reflect.Proxy;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How the program stops, as systemd and Kubernetes expect: the first SIGTERM or SIGINT turns the server unready
 * at once and, after --drain-delay (0 by default), begins a graceful drain ({@link LoopworkServer#drain}) that the
 * main thread runs, bounded by --drain-timeout; a second one stops at once. The delay is for load balancers and
 * Kubernetes' endpoints, which keep sending for a check interval or two after a server turns unready: during it
 * the listener stays open and every request is served as usual. The JVM's own handling of these signals
 * (shutdown hooks at once) would cut what is in flight.
 *
 * <p>Thread-safe: each signal arrives on a thread of its own; the main thread waits in {@link #drainWhenAsked}.
 */
final class Shutdown {

    private static final Logger LOG = System.getLogger("loopwork.server");

    private final LoopworkServer server;
    private final long drainTimeoutMs;
    private final long drainDelayMs;
    private final CountDownLatch asked = new CountDownLatch(1);
    /** Counted down by a second signal or a take-over: ends the delay's wait at once. */
    private final CountDownLatch delayCut = new CountDownLatch(1);
    private final AtomicInteger signals = new AtomicInteger();
    /** When the drain began (after the delay); written and read by whoever begins it, then the main thread. */
    private volatile long drainStartNs;
    /** Whether the first signal (not a take-over) asked for the delay; written before {@link #asked} is counted down. */
    private volatile boolean delayed;
    /** Whether a successor took the sockets over during the delay (and the drain began then). */
    private volatile boolean handedOverInDelay;

    Shutdown(LoopworkServer server, int drainTimeoutSeconds, int drainDelaySeconds) {
        this.server = server;
        this.drainTimeoutMs = TimeUnit.SECONDS.toMillis(drainTimeoutSeconds);
        this.drainDelayMs = TimeUnit.SECONDS.toMillis(drainDelaySeconds);
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
            if (drainDelayMs > 0) {
                server.markUnready(); // here, not on the main thread: unready the moment the signal comes
                delayed = true;
                LOG.log(Level.INFO, "SIG{0}: unready; serving on for {1} s (--drain-delay) while load balancers "
                        + "take this server out, then draining. Another signal stops at once.", name,
                        Long.toString(drainDelayMs / 1000));
            } else {
                beginDrain();
                LOG.log(Level.INFO, "SIG{0}: draining: no new connections; what is open finishes within {1} s. "
                        + "Another signal stops at once.", name, Long.toString(drainTimeoutMs / 1000));
            }
            asked.countDown();
            return;
        }
        long open = server.kit().openConnections();
        LOG.log(Level.WARNING, "SIG{0} again: stopping now; {1} connections reset", name, open);
        server.closeNow();
        delayCut.countDown();
    }

    /**
     * A successor took the listening sockets over (see {@link Restarts}): drain as on the first signal, with no
     * delay (the successor accepts on the same sockets already); during a --drain-delay, end the delay so, as this
     * one would otherwise accept on the shared sockets, and answer probes on the shared admin socket, until its
     * end. A signal after it stops at once.
     */
    void takenOver() {
        boolean inDelay = delayed && signals.get() == 1 && !handedOverInDelay;
        if (!inDelay && signals.incrementAndGet() != 1) {
            return;
        }
        handedOverInDelay = inDelay;
        drainStartNs = System.nanoTime();
        server.handedOver();
        LOG.log(Level.INFO, "taken over{0}: draining: no new connections; what is open finishes within {1} s",
                inDelay ? " during --drain-delay" : "", Long.toString(drainTimeoutMs / 1000));
        (inDelay ? delayCut : asked).countDown();
    }

    /** On the main thread: waits for the first signal, drains, and stops the server. */
    void drainWhenAsked() throws InterruptedException {
        asked.await();
        if (delayed) {
            delayCut.await(drainDelayMs, TimeUnit.MILLISECONDS);
            if (signals.get() > 1) { // a second signal stopped it meanwhile
                server.close();
                LOG.log(Level.INFO, "stopped");
                return;
            }
            if (!handedOverInDelay) {
                beginDrain();
                LOG.log(Level.INFO, "draining: no new connections; what is open finishes within {0} s",
                        Long.toString(drainTimeoutMs / 1000));
            }
        }
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
