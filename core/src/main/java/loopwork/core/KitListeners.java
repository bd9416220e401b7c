package loopwork.core;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;

import loopwork.core.epoll.ListeningSockets;
import loopwork.core.loop.AcceptLoop;

/**
 * A kit's listening sockets: bound by its loops (the first one alone, unless the kit may join others, so
 * that a port is not shared by accident), or inherited and spread over its loops; and duplicated for a
 * successor that takes them over.
 *
 * <p>Not thread-safe: used by the kit under its lock, before its loops start and while they run (reading
 * descriptors that only change when a loop closes, which the kit's lock keeps out).
 */
final class KitListeners {

    private final KitConfig config;
    private final AcceptLoop[] loops;
    /** Distinct listening sockets: the first {@code sockets} loops hold one each. */
    private int sockets;

    KitListeners(KitConfig config, AcceptLoop[] loops) {
        this.config = config;
        this.loops = loops;
    }

    /** Binds or adopts every loop's listener: where the first listens. On failure the caller closes the kit. */
    InetSocketAddress open() throws IOException {
        InheritedListeners inherited = config.inherited();
        if (inherited.isEmpty()) {
            sockets = loops.length;
            return bind();
        }
        sockets = Math.min(loops.length, inherited.count());
        return adopt(inherited);
    }

    /**
     * The first loop binds exclusively unless {@link KitConfig#reusePort()}: the bind itself is the check, so
     * there is no window between looking for another listener and taking the port. The others join it with
     * SO_REUSEPORT, which the first has set by the time it listens.
     */
    private InetSocketAddress bind() throws IOException {
        InetSocketAddress address = new InetSocketAddress(config.host(), config.port());
        boolean exclusive = !config.reusePort();
        try {
            for (AcceptLoop loop : loops) {
                InetSocketAddress bound = loop.bind(address, config.backlog(), config.deferAcceptSeconds(),
                        config.deferAcceptAdaptive(), exclusive);
                address = new InetSocketAddress(bound.getAddress(), bound.getPort());
                exclusive = false;
            }
        } catch (BindException e) {
            BindException named = new BindException(config.host() + ":" + config.port() + " is in use: "
                    + e.getMessage());
            named.initCause(e);
            throw named;
        } catch (IOException e) {
            throw new IOException("cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage(),
                    e);
        }
        return address;
    }

    /**
     * Loop i serves inherited socket i; loops beyond the sockets serve duplicates of them in turn, so the
     * loops share them (see {@link InheritedListeners}).
     */
    private InetSocketAddress adopt(InheritedListeners inherited) throws IOException {
        ListeningSockets setUp = new ListeningSockets();
        InetSocketAddress first = null;
        int adopted = 0;
        try {
            for (int i = 0; i < loops.length; i++) {
                int fd = i < inherited.count() ? inherited.fd(i)
                        : setUp.duplicate(loops[i % inherited.count()].listenerDescriptor());
                adopted = Math.min(i + 1, inherited.count());
                InetSocketAddress got = loops[i].adopt(fd, config.deferAcceptSeconds(),
                        config.deferAcceptAdaptive());
                if (i == 0) {
                    first = got;
                }
            }
        } catch (IOException e) {
            for (int i = adopted; i < inherited.count(); i++) {
                setUp.close(inherited.fd(i)); // never reached a loop, which would have closed it
            }
            throw new IOException("cannot serve the listening sockets of " + inherited.origin() + ": "
                    + e.getMessage(), e);
        }
        return first;
    }

    /** A duplicate of each distinct listening socket, in loop order; the caller closes them. */
    int[] duplicate() throws IOException {
        if (loops[0].listenerDescriptor() < 0) {
            throw new IOException("the " + config.transport().label() + " transport cannot pass its listening "
                    + "sockets on (Java NIO hides their descriptors); use epoll");
        }
        ListeningSockets setUp = new ListeningSockets();
        int[] fds = new int[sockets];
        int made = 0;
        try {
            for (; made < sockets; made++) {
                fds[made] = setUp.duplicate(loops[made].listenerDescriptor());
            }
        } catch (IOException e) {
            for (int i = 0; i < made; i++) {
                setUp.close(fds[i]);
            }
            throw e;
        }
        return fds;
    }
}
