package loopwork.core.transport;

import loopwork.core.Transport;

/**
 * Makes the transport family a kit asked for. Apart from {@link TransportFamily} so that the seam's types do not
 * depend on the families that implement them.
 *
 * <p>Thread-safe: stateless.
 */
public final class Transports {

    private Transports() {
    }

    /** The family of {@code kind}, new: one per kit. */
    public static TransportFamily of(Transport kind) {
        return kind == Transport.EPOLL ? new EpollTransport() : new NioTransport();
    }
}
