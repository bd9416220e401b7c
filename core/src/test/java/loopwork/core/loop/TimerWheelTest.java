package loopwork.core.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;


import org.junit.jupiter.api.Test;

/** The timer wheel driven with a made-up clock: no threads, no sleeping. */
class TimerWheelTest {

    private final List<Integer> fired = new ArrayList<>();
    private final TimerWheel wheel = new TimerWheel(1_000, context -> fired.add(context.id()));

    private static ConnectionContext context(int id) {
        return new ConnectionContext(id, 0, null, null, ByteBuffer.allocate(1), 0, ByteBuffer.allocate(1), 0);
    }

    @Test
    void firesEachTimerOnceWhenDueAndInDeadlineOrderAcrossBuckets() {
        ConnectionContext a = context(1);
        ConnectionContext b = context(2);
        ConnectionContext c = context(3);
        wheel.schedule(a, 1_010);
        wheel.schedule(b, 1_005);
        wheel.schedule(c, 1_005 + 1024 * 3); // three laps on: shares b's bucket, must wait for its lap
        assertThat(wheel.delayToNext(1_000)).isEqualTo(5);
        assertThat(wheel.expire(1_004)).isZero();
        assertThat(wheel.expire(1_005)).isEqualTo(1);
        assertThat(fired).containsExactly(2);
        assertThat(wheel.expire(1_020)).isEqualTo(1);
        assertThat(fired).containsExactly(2, 1);
        assertThat(wheel.size()).isEqualTo(1);
        assertThat(wheel.expire(1_005 + 1024 * 3 - 1)).isZero();
        assertThat(wheel.expire(1_005 + 1024 * 3)).isEqualTo(1);
        assertThat(fired).containsExactly(2, 1, 3);
        assertThat(wheel.size()).isZero();
        assertThat(wheel.delayToNext(9_999)).isEqualTo(-1);
    }

    @Test
    void rescheduleReplacesAndCancelUnlinks() {
        ConnectionContext a = context(1);
        ConnectionContext b = context(2);
        ConnectionContext c = context(3);
        wheel.schedule(a, 1_100);
        wheel.schedule(b, 1_100);
        wheel.schedule(c, 1_100);
        wheel.schedule(b, 1_200); // replaces, from the middle of a bucket's list
        wheel.cancel(c);
        wheel.cancel(c); // twice is harmless
        assertThat(wheel.size()).isEqualTo(2);
        assertThat(wheel.expire(1_150)).isEqualTo(1);
        assertThat(fired).containsExactly(1);
        assertThat(wheel.expire(1_250)).isEqualTo(1);
        assertThat(fired).containsExactly(1, 2);
    }

    @Test
    void aLongSleepFiresEverythingOverdueInOnePass() {
        for (int i = 0; i < 3_000; i++) {
            wheel.schedule(context(i), 1_000 + i * 7L);
        }
        assertThat(wheel.expire(1_000_000)).isEqualTo(3_000); // far past the whole wheel's span
        assertThat(wheel.size()).isZero();
        ConnectionContext late = context(9);
        wheel.schedule(late, 10); // a deadline in the past fires at the next expire
        assertThat(wheel.expire(1_000_001)).isEqualTo(1);
    }

    @Test
    void aTimerSetWhileFiringIsKeptForLater() {
        ConnectionContext a = context(1);
        TimerWheel rearming = new TimerWheel(0, context -> {
            fired.add(context.id());
            if (fired.size() < 3) {
                // the handler sets its next timer from inside onTimer, as HTTP's idle timeout does
                rearmingWheel[0].schedule(context, 0);
            }
        });
        rearmingWheel[0] = rearming;
        rearming.schedule(a, 5);
        assertThat(rearming.expire(5)).isEqualTo(1);
        assertThat(rearming.size()).isEqualTo(1);
        assertThat(rearming.expire(6)).isEqualTo(1);
        assertThat(rearming.expire(7)).isEqualTo(1);
        assertThat(rearming.size()).isZero();
    }

    @Test
    void aTimerCancelledByAnotherOneFiringDoesNotFire() {
        ConnectionContext a = context(1);
        ConnectionContext b = context(2);
        ConnectionContext c = context(3);
        TimerWheel cancelling = new TimerWheel(0, context -> {
            fired.add(context.id());
            rearmingWheel[0].cancel(b); // closing one connection cancels another's timer (same bucket)
        });
        rearmingWheel[0] = cancelling;
        cancelling.schedule(c, 5);
        cancelling.schedule(b, 5);
        cancelling.schedule(a, 5); // list order: a, b, c
        assertThat(cancelling.expire(5)).isEqualTo(2);
        assertThat(fired).containsExactly(1, 3);
        assertThat(cancelling.size()).isZero();
    }

    private final TimerWheel[] rearmingWheel = new TimerWheel[1];
}
