package loopwork.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.List;

import loopwork.core.InheritedListeners;
import loopwork.core.Kit;
import loopwork.core.KitBuilder;
import loopwork.core.Transport;
import loopwork.http.HttpProtocol;
import loopwork.http.Route;

/**
 * The operator's own listener ({@code --admin-port}): {@code /metrics}, {@code /healthz} and {@code /readyz} on a
 * small kit of its own, one loop with {@value #CONTEXTS} contexts and no workers, so that what fills the main
 * server (its pools' contexts all in use, its workers saturated, its loops busy) does not keep the operator out.
 * It binds on loopback by default: metrics and health are for the host's agents and probes, not the public.
 *
 * <p>Thread-safe: started on the thread starting the server; {@link #close()} may come from any thread, once.
 */
final class AdminListener implements AutoCloseable {

    /** Scrapes and probes at once: a few dozen is plenty, and reserved whatever the main server does. */
    static final int CONTEXTS = 32;

    private final Kit kit;

    private AdminListener(Kit kit) {
        this.kit = kit;
    }

    /**
     * Starts the listener on {@code host:port} (port 0: a free one) serving {@code routes}, or on the socket
     * {@code inherited} by a take-over if it listens on that port (any, for port 0); one that does not is closed.
     *
     * @throws IOException when the address is taken, by another instance say, or cannot be bound
     */
    static AdminListener start(String host, int port, Transport transport, List<Route> routes,
            InheritedListeners inherited) throws IOException {
        if (!inherited.isEmpty()) {
            AdminListener taken = start(host, port, Transport.EPOLL, routes, inherited, false);
            if (port == 0 || taken.port() == port) {
                return taken;
            }
            System.getLogger(AdminListener.class.getName()).log(System.Logger.Level.INFO, "the admin socket taken over "
                    + "listens on port " + taken.port() + ", not --admin-port " + port + ": closed, binding " + port);
            taken.close();
        }
        return start(host, port, transport, routes, InheritedListeners.none(), port != 0);
    }

    private static AdminListener start(String host, int port, Transport transport, List<Route> routes,
            InheritedListeners inherited, boolean exclusive) throws IOException {
        if (exclusive) {
            ensureFree(host, port);
        }
        // The epoll bindings speak IPv4: an IPv6 admin address gets NIO, whatever the main listener uses.
        Transport kind = host.contains(":") && inherited.isEmpty() ? Transport.NIO : transport;
        KitBuilder builder = Kit.builder().host(host).port(port).acceptThreads(1).acceptCapacity(CONTEXTS)
                .workerThreads(0).taskSlotsPerWorker(KitBuilder.MIN_TASK_SLOTS).backlog(64).transport(kind)
                .inheritListeners(inherited).protocol(new HttpProtocol(routes));
        Kit kit = builder.build();
        for (Thread thread : kit.threads()) { // named apart from the main loops in thread dumps and logs
            thread.setName(thread.getName().replace("loopwork-", "loopwork-admin-"));
        }
        try {
            kit.start();
        } catch (IOException e) {
            kit.close();
            throw e;
        }
        return new AdminListener(kit);
    }

    /**
     * Fails when another socket listens on the address: every loop's listener joins its address with SO_REUSEPORT,
     * which would let a second instance share the admin port silently and answer every other scrape. A plain bind
     * (no SO_REUSEPORT) is refused by Linux while any listener holds the port.
     */
    private static void ensureFree(String host, int port) throws IOException {
        try (ServerSocket probe = new ServerSocket()) {
            probe.bind(new InetSocketAddress(host, port), 1);
        } catch (IOException e) {
            throw new IOException("cannot listen on " + host + ":" + port + ": " + e.getMessage()
                    + " (another loopwork's admin listener?)", e);
        }
    }

    int port() {
        return kit.port();
    }

    Kit kit() {
        return kit;
    }

    @Override
    public void close() {
        kit.close();
    }
}
