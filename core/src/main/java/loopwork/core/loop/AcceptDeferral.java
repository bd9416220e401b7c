package loopwork.core.loop;

import loopwork.core.metrics.Counter;
import loopwork.core.transport.Listener;

/**
 * Turns TCP_DEFER_ACCEPT on and off for one loop's listener, by what its recent connections showed, for a
 * protocol whose client speaks first.
 *
 * <p>Deferring pays when connections come faster than their requests: the loop accepts one, finds nothing to
 * read, has the poller watch it and wakes again for the request. Deferred, the kernel hands it over with its
 * request, so the loop wakes once, and several connections wait for each wake-up. It costs a little when
 * connections come one at a time: the request is usually there at accept anyway, and the loop's wake-up,
 * which overlapped with the client's send, then follows it. So it decides every {@link #WINDOW} connections:
 * <ul>
 *   <li>off: it turns on when the first read found nothing for more than a quarter of them. Connections
 *       one at a time miss a few in a hundred; many clients at once, most. The first window after deferring
 *       still has connections that were deferred, and a lower bar keeps them from hiding the load;</li>
 *   <li>on: every connection comes with its request, which says nothing about the load, so after
 *       {@link #WINDOWS_ON} windows it turns off to look again.</li>
 * </ul>
 * A transport that cannot defer (NIO) leaves it off for good.
 *
 * <p>Not thread-safe: owned by its accept loop.
 */
final class AcceptDeferral {

    /** Connections between two decisions: one setsockopt at most per this many accepts. */
    static final int WINDOW = 64;
    /** Windows deferred before looking again: about 1 connection in 30 is accepted undeferred to decide. */
    static final int WINDOWS_ON = 32;

    private final Listener listener;
    private final int seconds;
    /** 1 while deferring, for the loop's metrics. */
    private final Counter shown;
    private boolean possible = true;
    private boolean deferring;
    private int accepted;
    private int unheard;
    private int windowsOn;

    AcceptDeferral(Listener listener, int seconds, Counter shown) {
        this.listener = listener;
        this.seconds = seconds;
        this.shown = shown;
    }

    /** A connection was accepted; {@code heard} whether its first bytes were there to read at once. */
    void accepted(boolean heard) {
        if (!possible) {
            return;
        }
        if (!heard) {
            unheard++;
        }
        if (++accepted < WINDOW) {
            return;
        }
        boolean defer = deferring ? ++windowsOn < WINDOWS_ON : 4 * unheard > accepted;
        if (defer != deferring) {
            if (listener.deferAccept(defer ? seconds : 0)) {
                deferring = defer;
                windowsOn = 0;
                shown.set(defer ? 1 : 0);
            } else {
                possible = deferring; // never turned on: it cannot be; turning off failed: try again later
            }
        }
        accepted = 0;
        unheard = 0;
    }
}
