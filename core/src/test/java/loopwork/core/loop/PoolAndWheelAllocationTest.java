package loopwork.core.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.management.ManagementFactory;

import loopwork.core.LoopInfo;
import loopwork.core.TaskType;
import loopwork.core.Transport;
import loopwork.core.transport.TransportFamily;
import loopwork.core.transport.Transports;

import org.junit.jupiter.api.Test;

/**
 * What the JMH benches of the pool and the timer wheel measured, from inside the module and as a count: a
 * context taken from an accept loop's pool and given back, and a timer armed and cancelled or fired, allocate
 * nothing once warm (bytes on this thread, {@code ThreadMXBean#getCurrentThreadAllocatedBytes}). Each runs on
 * every connection or request, so the serving path's zero rests on them. The JIT may leave a one-off allocation
 * of a few dozen bytes in the measured calls, so the bound is fewer bytes than calls: an allocation per call,
 * 16 bytes at least, would come to over a megabyte. AllocationTest counts the exact zero over whole requests.
 */
class PoolAndWheelAllocationTest {

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static final int CHUNK = 10_000;
    private static final int MAX_WARM_UP_CHUNKS = 40;
    private static final int MEASURED = 100_000;
    private static final int TIMERS = 1000;

    private interface Work {
        void run(int times);
    }

    @Test
    void takingAndReleasingAContextAllocatesNothing() throws IOException {
        TransportFamily transport = Transports.of(Transport.preferred());
        AcceptLoop loop = new AcceptLoop(new LoopInfo(0, 64, 4096, 4096, LoopInfo.Role.ACCEPT_LOOP),
                (connection, in) -> { }, new byte[0], new WorkerLoop[0], new TaskType[0], 64, transport, 5_000, null);
        try {
            ConnectionPool pool = loop.pool;
            long bytes = measure(times -> takeRelease(pool, times));

            assertThat(bytes).as("bytes allocated over %d takes and releases", MEASURED).isLessThan(MEASURED);
            assertThat(pool.freeCount()).isEqualTo(pool.capacity());
        } finally {
            loop.onClose();
            loop.release();
            transport.close();
        }
    }

    @Test
    void armingCancellingAndFiringTimersAllocatesNothing() {
        int[] fired = new int[1];
        TimerWheel wheel = new TimerWheel(0, context -> fired[0]++);
        ConnectionContext[] contexts = new ConnectionContext[TIMERS];
        for (int id = 0; id < TIMERS; id++) {
            contexts[id] = new ConnectionContext(id, 0, null, null, null, 0, null, 0);
        }
        long[] now = {0};
        long bytes = measure(times -> now[0] = timers(wheel, contexts, now[0], times / TIMERS));

        assertThat(bytes).as("bytes allocated over %d timers armed, cancelled, armed again and fired", MEASURED)
                .isLessThan(MEASURED);
        assertThat(fired[0]).isEqualTo(now[0]).isPositive(); // each round fired all it armed, one per ms
        assertThat(wheel.size()).isZero();
    }

    /** Bytes allocated by {@link #MEASURED} calls of {@code work}, once a chunk of calls allocated none. */
    private static long measure(Work work) {
        for (int chunk = 0; chunk < MAX_WARM_UP_CHUNKS; chunk++) {
            long before = THREADS.getCurrentThreadAllocatedBytes();
            work.run(CHUNK);
            if (THREADS.getCurrentThreadAllocatedBytes() - before == 0) {
                break;
            }
        }
        long before = THREADS.getCurrentThreadAllocatedBytes();
        work.run(MEASURED);
        return THREADS.getCurrentThreadAllocatedBytes() - before;
    }

    private static void takeRelease(ConnectionPool pool, int times) {
        for (int i = 0; i < times; i++) {
            pool.release(pool.take());
        }
    }

    /**
     * {@code rounds} times: every context armed at deadlines spread over the next {@value #TIMERS} ms,
     * cancelled, armed again, then all fired by one {@code expire}; returns the clock after the last round.
     */
    private static long timers(TimerWheel wheel, ConnectionContext[] contexts, long now, int rounds) {
        for (int round = 0; round < rounds; round++) {
            for (int id = 0; id < contexts.length; id++) {
                wheel.schedule(contexts[id], now + 1 + id);
                wheel.cancel(contexts[id]);
                wheel.schedule(contexts[id], now + 1 + id);
            }
            now += contexts.length;
            wheel.expire(now);
        }
        return now;
    }
}
