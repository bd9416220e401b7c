package loopwork.core.loop;

/**
 * One timer per connection, on a hashed wheel of 1 ms ticks whose buckets are intrusive lists through the
 * contexts themselves: scheduling, cancelling and expiring allocate nothing and cost O(1) each; a
 * deadline further than a lap away simply waits in its bucket for its lap.
 *
 * <p>Not thread-safe: owned by the loop that serves the connections; {@link #schedule}, {@link #cancel} and
 * {@link #expire} assert it when the wheel was made with its loop.
 */
final class TimerWheel {

    /** Fires an expired timer. */
    interface Expiry {
        void onTimer(ConnectionContext context);
    }

    private static final int SLOTS = 1024;
    private static final int MASK = SLOTS - 1;

    private final ConnectionContext[] buckets = new ConnectionContext[SLOTS];
    private final Expiry expiry;
    /** The next tick whose bucket has not been expired yet. */
    private long nextTick;
    /** No timer's deadline is earlier: where {@link #delayToNext} starts looking. */
    private long earliest;
    private int count;
    /** The thread that owns the wheel, or null for one made apart from a loop (its tests, a benchmark). */
    private final OwnerThread owner;

    TimerWheel(long nowMs, Expiry expiry) {
        this(nowMs, expiry, null);
    }

    TimerWheel(long nowMs, Expiry expiry, OwnerThread owner) {
        this.nextTick = nowMs;
        this.earliest = nowMs;
        this.expiry = expiry;
        this.owner = owner;
    }

    private boolean inOwner() {
        return owner == null || owner.isCurrent();
    }

    int size() {
        return count;
    }

    void schedule(ConnectionContext context, long deadlineMs) {
        assert inOwner() : owner.notOwner("TimerWheel.schedule");
        cancel(context);
        long deadline = Math.max(deadlineMs, nextTick);
        earliest = Math.min(earliest, deadline);
        context.timerDeadlineMs = deadline;
        int bucket = (int) deadline & MASK;
        ConnectionContext head = buckets[bucket];
        context.timerNext = head;
        context.timerPrevious = null;
        if (head != null) {
            head.timerPrevious = context;
        }
        buckets[bucket] = context;
        count++;
    }

    void cancel(ConnectionContext context) {
        assert inOwner() : owner.notOwner("TimerWheel.cancel");
        if (context.timerDeadlineMs < 0) {
            return;
        }
        if (context.timerPrevious != null) {
            context.timerPrevious.timerNext = context.timerNext;
        } else {
            buckets[(int) context.timerDeadlineMs & MASK] = context.timerNext;
        }
        if (context.timerNext != null) {
            context.timerNext.timerPrevious = context.timerPrevious;
        }
        context.timerNext = null;
        context.timerPrevious = null;
        context.timerDeadlineMs = -1;
        count--;
    }

    /** Fires every timer due by {@code nowMs}; returns how many fired. */
    int expire(long nowMs) {
        assert inOwner() : owner.notOwner("TimerWheel.expire");
        int fired = 0;
        // After a long sleep, one pass over every bucket covers all the ticks missed.
        long lastTick = Math.min(nowMs, nextTick + SLOTS - 1);
        while (nextTick <= lastTick && count > 0) {
            // Advance first: a timer set while this bucket fires lands in a later one, never in one passed.
            int bucket = (int) nextTick++ & MASK;
            ConnectionContext context = buckets[bucket];
            while (context != null) {
                if (context.timerDeadlineMs <= nowMs) {
                    cancel(context);
                    expiry.onTimer(context);
                    fired++;
                    // The call may have set or cancelled any timer, this bucket's included: start it over.
                    context = buckets[bucket];
                } else {
                    context = context.timerNext; // due on a later lap
                }
            }
        }
        if (count == 0 || nextTick <= nowMs) {
            nextTick = nowMs + 1;
        }
        return fired;
    }

    /**
     * Milliseconds until the first bucket holding a timer comes up, 0 if due, -1 if there is none. Called
     * before every sleep, so it starts from a lower bound of all deadlines: with idle timeouts a minute
     * away, that is past this lap and the answer is immediate.
     */
    long delayToNext(long nowMs) {
        if (count == 0) {
            return -1;
        }
        long lapEnd = nextTick + SLOTS;
        for (long tick = Math.max(nextTick, earliest); tick < lapEnd; tick++) {
            if (buckets[(int) tick & MASK] != null) {
                earliest = tick; // no deadline is earlier, or the scan would have met its bucket first
                return Math.max(0, tick - nowMs);
            }
        }
        return SLOTS;
    }
}
