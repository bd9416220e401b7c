package loopwork.resp;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Proxy;
import java.net.BindException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import loopwork.core.Kit;

/**
 * bin/resp: serves RESP in the foreground until SIGTERM or Ctrl-C, which drain as the server's do: the first
 * stops taking connections and waits, up to --drain-timeout, for the open ones to finish their commands (each
 * closes between two commands); a second stops at once. Exit codes: 0 after a stop or help, 1 when it cannot
 * start, 2 for a bad command line.
 *
 * <p>Runs on the main thread; each signal arrives on a thread of its own.
 */
public final class RespMain {

    private RespMain() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        RespOptions options;
        try {
            options = RespOptions.parse(args);
        } catch (RespOptions.OptionError e) {
            err.println("resp: " + e.getMessage());
            err.println("Try 'resp --help' for the options and their ranges.");
            return 2;
        }
        if (options.help) {
            out.print(RespOptions.usage());
            return 0;
        }
        Kit kit;
        try {
            kit = Kit.builder().host(options.host).port(options.get("--port"))
                    .acceptThreads(options.get("--accept-threads")).workerThreads(options.get("--worker-threads"))
                    .acceptCapacity(options.get("--accept-capacity")).inputBufferBytes(options.get("--input-bytes"))
                    .outputBufferBytes(options.get("--output-bytes"))
                    .protocol(new RespProtocol(new RespLimits(options.get("--max-arguments"),
                            options.get("--initial-keys")), options.keysOnWorkers))
                    .build();
            kit.start();
        } catch (BindException e) {
            err.println("resp: cannot listen on " + options.host + ":" + options.get("--port") + ": " + e.getMessage());
            return 1;
        } catch (IOException | RuntimeException e) {
            err.println("resp: cannot start: " + e);
            return 1;
        }
        err.printf("resp: listening on %s:%d, %d accept thread(s), %d worker(s), keys on the %s%n", options.host,
                kit.port(), options.get("--accept-threads"), options.get("--worker-threads"),
                options.keysOnWorkers ? "workers" : "accept thread");
        Signals signals = new Signals(kit);
        try {
            signals.install();
        } catch (ReflectiveOperationException e) {
            err.println("resp: no signal handling (" + e + "): SIGTERM stops at once");
            Runtime.getRuntime().addShutdownHook(new Thread(kit::close));
        }
        signals.asked.await();
        long start = System.nanoTime();
        boolean drained = kit.awaitDrained(TimeUnit.SECONDS.toMillis(options.get("--drain-timeout")));
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        err.println(drained ? "resp: drained in " + tookMs + " ms: every connection finished"
                : "resp: drain timed out after " + tookMs + " ms: " + kit.openConnections() + " connection(s) reset");
        kit.close();
        err.println("resp: stopped");
        return 0;
    }

    /**
     * SIGTERM and SIGINT through {@code sun.misc.Signal} (by reflection: javac warns at each direct use, and the
     * build fails on warnings), as the server's Shutdown does it.
     */
    private static final class Signals {
        private final Kit kit;
        private final CountDownLatch asked = new CountDownLatch(1);
        private final AtomicInteger count = new AtomicInteger();

        Signals(Kit kit) {
            this.kit = kit;
        }

        void install() throws ReflectiveOperationException {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            for (String name : new String[] {"TERM", "INT"}) {
                Object proxy = Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler},
                        (self, method, args) -> switch (method.getName()) {
                            case "handle" -> {
                                signalled();
                                yield null;
                            }
                            case "equals" -> self == args[0];
                            case "hashCode" -> System.identityHashCode(self);
                            default -> "resp's SIG" + name + " handler";
                        });
                signal.getMethod("handle", signal, handler).invoke(null,
                        signal.getConstructor(String.class).newInstance(name), proxy);
            }
        }

        private void signalled() {
            if (count.incrementAndGet() == 1) {
                kit.drain();
                asked.countDown();
            } else {
                kit.close(0); // a second signal: stop now
            }
        }
    }
}
