package loopwork.core.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.System.Logger;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;

import org.junit.jupiter.api.Test;

/** The rate limit on a fake clock, and what reaches the logger. */
class FailureLogTest {

    /** A logger keeping each line and whether it carried a stack trace. */
    static final class Lines implements Logger {
        final List<String> messages = new ArrayList<>();
        final List<Throwable> errors = new ArrayList<>();

        @Override
        public String getName() {
            return "test";
        }

        @Override
        public boolean isLoggable(Level level) {
            return true;
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String message, Throwable error) {
            messages.add(message);
            errors.add(error);
        }

        @Override
        public void log(Level level, ResourceBundle bundle, String format, Object... parameters) {
            log(level, bundle, format, (Throwable) null);
        }
    }

    @Test
    void aBurstIsLoggedThenOneARefillAndTheRestCounted() {
        Lines lines = new Lines();
        FailureLog log = new FailureLog(lines, 3, 1_000_000, 0);
        int logged = 0;
        for (int i = 0; i < 1000; i++) {
            if (log.tryAcquire(0)) {
                log.log("failure " + i, new IllegalStateException("boom " + i));
                logged++;
            }
        }
        assertThat(logged).isEqualTo(3);
        assertThat(log.suppressed()).isEqualTo(997);
        assertThat(lines.messages).containsExactly("failure 0", "failure 1", "failure 2");
        assertThat(lines.errors).allSatisfy(error -> assertThat(error).isInstanceOf(IllegalStateException.class));

        assertThat(log.tryAcquire(999_999)).as("not a whole refill later").isFalse();
        assertThat(log.tryAcquire(1_000_000)).as("one refill later").isTrue();
        log.log("failure after", new IllegalStateException());
        assertThat(lines.messages.subList(3, 5)).containsExactly(
                "998 more failures not logged (at most 3 at once, then one every 1 ms)", "failure after");
        assertThat(log.suppressed()).isZero();
        assertThat(log.tryAcquire(1_000_000)).as("that token is spent").isFalse();
    }

    @Test
    void theCountOfSuppressedFailuresComesOutOnceATokenIsFreeWithoutANewFailure() {
        Lines lines = new Lines();
        FailureLog log = new FailureLog(lines, 1, 1_000_000, 0);
        assertThat(log.tryAcquire(0)).isTrue();
        assertThat(log.tryAcquire(10)).isFalse();
        assertThat(log.tryAcquire(20)).isFalse();
        log.reportSuppressed(500_000);
        assertThat(lines.messages).isEmpty();
        log.reportSuppressed(1_000_000);
        assertThat(lines.messages)
                .containsExactly("2 more failures not logged (at most 1 at once, then one every 1 ms)");
        log.reportSuppressed(5_000_000);
        assertThat(lines.messages).hasSize(1);
    }

    @Test
    void aQuietSpellRefillsTheWholeBurstAndNoMore() {
        FailureLog log = new FailureLog(new Lines(), 3, 1_000, Long.MAX_VALUE - 500); // across the clock's wrap
        long now = Long.MAX_VALUE - 500;
        for (int i = 0; i < 3; i++) {
            assertThat(log.tryAcquire(now)).isTrue();
        }
        assertThat(log.tryAcquire(now)).isFalse();
        now += 1_000_000; // wraps
        for (int i = 0; i < 3; i++) {
            assertThat(log.tryAcquire(now)).as("token " + i).isTrue();
        }
        assertThat(log.tryAcquire(now)).isFalse();
    }

    @Test
    void checkingTheLimitAllocatesNothing() {
        FailureLog log = new FailureLog(new Lines(), 1, 1_000_000_000L, 0);
        log.tryAcquire(0);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        for (int i = 0; i < 100_000; i++) { // warm up: let C2 compile it
            log.tryAcquire(i);
            log.reportSuppressed(i);
        }
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < 100_000; i++) {
            log.tryAcquire(i);
            log.reportSuppressed(i);
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertThat(allocated).as("bytes allocated by 200,000 checks").isLessThan(1_000);
    }
}
