package loopwork.core.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.SocketTimeoutException;

import loopwork.core.HandOffLimits;
import org.junit.jupiter.api.Test;

/** The arithmetic of a hand-off's waits: the stall per wait, and a credit the peer's bytes refill up to it. */
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
    void eachByteRefillsTheCreditUpToTheStall() throws Exception {
        WaitBudget budget = new WaitBudget(new HandOffLimits(1000, 1000)); // 1 s of credit, 1 ms more per byte
        budget.waited(600 * MS);
        assertThat(budget.nextWaitNanos()).isEqualTo(400 * MS);
        budget.moved(500);
        assertThat(budget.nextWaitNanos()).isEqualTo(900 * MS);
        budget.moved(5000);
        assertThat(budget.nextWaitNanos()).as("never more than the stall").isEqualTo(1000 * MS);
        budget.waited(700 * MS);
        budget.moved(100);
        budget.waited(300 * MS);
        assertThat(budget.nextWaitNanos()).isEqualTo(100 * MS); // 1000 - 700 + 100 - 300
        budget.waited(150 * MS);
        assertThatThrownBy(budget::nextWaitNanos).isInstanceOf(SocketTimeoutException.class)
                .hasMessage("peer slower than 1000 bytes/s: 5600 bytes moved");
        assertThat(budget.expired(400 * MS)).hasMessageStartingWith("peer slower than");

        budget.reset(); // the next hand-off starts afresh
        assertThat(budget.nextWaitNanos()).isEqualTo(1000 * MS);
    }

    @Test
    void aFastStartIsNotBankedForATrickleLater() throws Exception {
        WaitBudget budget = new WaitBudget(new HandOffLimits(1000, 1));
        for (int i = 0; i < 5; i++) { // 10 GB: 10^19 ns of credit at a byte a second, past a long, were it kept
            budget.moved(Integer.MAX_VALUE);
        }
        assertThat(budget.nextWaitNanos()).isEqualTo(1000 * MS);
        budget.waited(999 * MS);
        budget.moved(0);
        budget.waited(2 * MS);
        assertThatThrownBy(budget::nextWaitNanos).isInstanceOf(SocketTimeoutException.class);
    }
}
