package loopwork.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a closing kit's threads to end within its grace, and interrupts those that do not (a task or
 * blocking handler that would not end), as a last resort.
 *
 * <p>Not thread-safe: used by the thread closing the kit, once.
 */
final class ThreadStop {

    private static final long INTERRUPTED_GRACE_MS = 2_000;
    private static final System.Logger LOG = System.getLogger("loopwork.kit");

    private final long graceMs;
    private final long deadline;

    ThreadStop(long graceMs) {
        this.graceMs = graceMs;
        this.deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(graceMs);
    }

    /** Waits for {@code thread} within the grace; whether it has ended. */
    boolean join(Thread thread) {
        return join(thread, deadline);
    }

    /**
     * Waits for all of {@code threads} within the grace, then interrupts those still running and waits a little
     * more; whether all have ended, so that what they used may be freed.
     */
    boolean joinAll(List<Thread> threads) {
        List<Thread> alive = new ArrayList<>();
        for (Thread thread : threads) {
            if (!join(thread)) {
                alive.add(thread);
            }
        }
        if (alive.isEmpty()) {
            return true;
        }
        if (graceMs > 0) {
            LOG.log(System.Logger.Level.WARNING, "threads still running " + graceMs + " ms after the stop, "
                    + "interrupted: " + alive);
        }
        alive.forEach(Thread::interrupt);
        long last = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(INTERRUPTED_GRACE_MS);
        boolean stopped = true;
        for (Thread thread : alive) {
            stopped &= join(thread, last);
        }
        if (!stopped) {
            LOG.log(System.Logger.Level.ERROR, "threads still running after an interrupt; the kit's memory is "
                    + "left as it is, not freed under them: " + alive);
        }
        return stopped;
    }

    /** Waits for {@code thread} to end, until {@code deadline} ({@link System#nanoTime()}); whether it has. */
    private static boolean join(Thread thread, long deadline) {
        if (thread.getState() == Thread.State.NEW) {
            return true;
        }
        try {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                thread.join(Duration.ofNanos(left));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }
}
