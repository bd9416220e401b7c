package loopwork.core.loop;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * {@link TimerWheel}, each loop's timers, on a clock of our own (the wheel only compares the milliseconds
 * it is given). Contexts are bare: the wheel touches only their timer links, so they need no loop.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class TimerWheelBench {

    static final int TIMERS = 1000;

    /**
     * {@code scheduleCancel}: a route arms a timer and the answer comes first, so it is cancelled: the common
     * case, paid per request by routes that time out. The wheel already holds {@value #TIMERS} timers, one
     * per tick, so the bucket it lands in has a head to link in front of.
     */
    @State(Scope.Thread)
    public static class Armed {
        final TimerWheel wheel = new TimerWheel(0, context -> { });
        final ConnectionContext context = context(TIMERS);

        @Setup
        public void setUp() {
            for (int id = 0; id < TIMERS; id++) {
                wheel.schedule(context(id), 1 + id);
            }
        }
    }

    @Benchmark
    public int scheduleCancel(Armed armed) {
        armed.wheel.schedule(armed.context, 500);
        armed.wheel.cancel(armed.context);
        return armed.wheel.size();
    }

    /**
     * {@code expire}: one call firing {@value #TIMERS} due timers, their deadlines spread over {@code ticks}
     * ms: 1 is a burst in one bucket, 1000 one per bucket, as when a loop comes back from a long select.
     * Before each call (not timed) the wheel is refilled, the clock having moved past the last call.
     */
    @State(Scope.Thread)
    public static class Due {
        @Param({"1", "1000"})
        int ticks;
        final ConnectionContext[] contexts = new ConnectionContext[TIMERS];
        int fired;
        final TimerWheel wheel = new TimerWheel(0, context -> fired++);
        long now;

        @Setup(Level.Trial)
        public void makeContexts() {
            for (int id = 0; id < TIMERS; id++) {
                contexts[id] = context(id);
            }
        }

        @Setup(Level.Invocation)
        public void arm() {
            long base = now + 1;
            for (int id = 0; id < TIMERS; id++) {
                wheel.schedule(contexts[id], base + id % ticks);
            }
            now = base + ticks - 1;
        }
    }

    @Benchmark
    public int expire(Due due) {
        int fired = due.wheel.expire(due.now);
        if (fired != TIMERS) {
            throw new IllegalStateException("fired " + fired + " of " + TIMERS);
        }
        return fired;
    }

    private static ConnectionContext context(int id) {
        return new ConnectionContext(id, null, 0, null, 0, null);
    }
}
