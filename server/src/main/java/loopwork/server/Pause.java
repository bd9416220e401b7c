package loopwork.server;

import java.util.concurrent.locks.LockSupport;

/**
 * The demo's stand-in for heavy work: the calling thread waits for a number of milliseconds. Not
 * {@code Thread.sleep}, which makes a JFR event object on every call (JDK 25 relies on escape analysis to
 * remove it, and on a worker it does not always): parking allocates nothing.
 *
 * <p>Thread-safe: stateless.
 */
final class Pause {

    private Pause() {
    }

    static void millis(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000;
        for (long left = millis * 1_000_000; left > 0; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }
}
