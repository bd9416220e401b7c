package loopwork.core.loop;

/**
 * The thread that owns a loop and everything the loop serves, for the ownership asserts every loop-owned class
 * makes (as Netty's loops assert {@code inEventLoop()}). While that thread is not running (before it starts,
 * the thread building the kit owns everything; after it ended, the one that joined it), any thread may act.
 *
 * <p>Thread-safe: immutable.
 */
final class OwnerThread {

    private final Thread thread;

    OwnerThread(Thread thread) {
        this.thread = thread;
    }

    /** For asserts: a field read and a compare, and never a message built unless one fails. */
    boolean isCurrent() {
        return Thread.currentThread() == thread || !thread.isAlive();
    }

    /** The message of a failed {@link #isCurrent()} assert: built only then. */
    String notOwner(String what) {
        return what + " called on " + Thread.currentThread().getName() + ", not on its owner " + thread.getName();
    }

    String name() {
        return thread.getName();
    }

    Thread thread() {
        return thread;
    }
}
