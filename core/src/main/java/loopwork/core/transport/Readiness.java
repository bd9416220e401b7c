package loopwork.core.transport;

/**
 * Where a loop's {@link Poller} reports what is ready, implemented by the loop: it looks the connection up
 * and serves it. Called on the poller's thread, during {@link Poller#poll}.
 */
public interface Readiness {

    /** The loop's listener has connections waiting. */
    void onAcceptable();

    /**
     * Connection {@code id} of accept loop {@code home}'s pool is ready for {@code ready} ({@link Poller#READ}
     * | {@link Poller#WRITE}, never 0), within what the poller was asked to watch it for. It may have left this
     * thread earlier in the same poll: the loop checks that it still serves it.
     */
    void onReady(int home, int id, int ready);
}
