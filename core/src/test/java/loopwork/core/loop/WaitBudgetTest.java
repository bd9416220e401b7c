package loopwork.core.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.SocketTimeoutException;

import loopwork.core.HandOffLimits;
import org.junit.jupiter.api.Test;

/** The arithmetic of a hand-off's waits: a stall per wait, and a stall plus a second per minimum rate's bytes in all. */
class WaitBudgetTest {

    private static final long MS = 1_000_000;

    @Test
    void withoutAMinimumRateEveryWaitGetsTheStall() throws Exception {
        WaitBudget budget = new WaitBudget(new HandOffLimits(1000, 0));
        for (int i = 0; i < 100; i++) {
            assertThat(budget.nextWaitNanos()).isEqualTo(1000 * MS);
            budget.waited(999 * MS);
        }
        assertThat(budget.expired(1000 * MS)).hasMessage("peer idle for 1000 ms");
    }

    @Test
    void eachByteBuysWaitingAtTheMinimumRate() throws Exception {
        WaitBudget budget = new WaitBudget(new HandOffLimits(1000, 1000)); // 1 s, then 1 ms per byte
        budget.waited(600 * MS);
        assertThat(budget.nextWaitNanos()).isEqualTo(400 * MS);
        budget.moved(500);
        assertThat(budget.nextWaitNanos()).isEqualTo(900 * MS);
        budget.moved(5000);
        assertThat(budget.nextWaitNanos()).as("never more than the stall").isEqualTo(1000 * MS);
        budget.waited(5900 * MS);
        assertThatThrownBy(budget::nextWaitNanos).isInstanceOf(SocketTimeoutException.class)
                .hasMessage("peer slower than 1000 bytes/s: 5500 bytes moved");
        assertThat(budget.expired(400 * MS)).hasMessageStartingWith("peer slower than");

        budget.reset(); // the next hand-off starts afresh
        assertThat(budget.nextWaitNanos()).isEqualTo(1000 * MS);
    }

    @Test
    void aGigabyteAtAByteASecondDoesNotOverflow() throws Exception {
        WaitBudget budget = new WaitBudget(new HandOffLimits(1000, 1));
        budget.moved(1 << 30);
        budget.moved(1 << 30);
        budget.waited(1_000_000 * 1000 * MS); // a million seconds: well within 2^31 s of credit
        assertThat(budget.nextWaitNanos()).isEqualTo(1000 * MS);
    }
}
