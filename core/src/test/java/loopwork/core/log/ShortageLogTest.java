package loopwork.core.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.System.Logger.Level;

import org.junit.jupiter.api.Test;

/** Once an interval, on a fake clock: the first shortage logged, the rest counted and reported. */
class ShortageLogTest {

    @Test
    void aFloodOfShortagesIsOneLineAnIntervalWithTheCount() {
        FailureLogTest.Lines lines = new FailureLogTest.Lines();
        ShortageLog log = new ShortageLog(lines, () -> "loop-0", "connections refused", 10_000, 0);
        int logged = 0;
        for (long nowMs = 0; nowMs < 10_000; nowMs += 10) { // 1,000 refusals in the first interval
            if (log.tryLog(nowMs)) {
                log.log("refused");
                logged++;
            }
            log.reportCounted(nowMs);
        }
        assertThat(logged).isEqualTo(1);
        assertThat(lines.messages).containsExactly("loop-0: refused");
        assertThat(log.counted()).isEqualTo(999);

        log.reportCounted(9_999);
        assertThat(lines.messages).as("not before the interval is over").hasSize(1);
        log.reportCounted(10_000);
        assertThat(lines.messages).hasSize(2).last().isEqualTo("loop-0: 999 more connections refused in the 10 s after the"
                + " last line");
        assertThat(log.counted()).isZero();
        log.reportCounted(30_000);
        assertThat(lines.messages).as("nothing counted, nothing to say").hasSize(2);
    }

    @Test
    void aShortageAfterTheIntervalIsLoggedWithWhatWasCountedBefore() {
        FailureLogTest.Lines lines = new FailureLogTest.Lines();
        ShortageLog log = new ShortageLog(lines, () -> "loop-1", "accepts failed", 250, 1_000);
        assertThat(log.tryLog(1_000)).isTrue();
        log.log("first");
        assertThat(log.tryLog(1_100)).isFalse();
        assertThat(log.tryLog(1_249)).isFalse();
        assertThat(log.tryLog(1_250)).isTrue();
        log.log("again");
        assertThat(lines.messages).containsExactly("loop-1: first",
                "loop-1: again (and 2 more accepts failed in the 250 ms before)");
    }

    @Test
    void theClockMayWrap() {
        FailureLogTest.Lines lines = new FailureLogTest.Lines();
        ShortageLog log = new ShortageLog(lines, () -> "loop-2", "x", 100, Long.MAX_VALUE - 50);
        assertThat(log.tryLog(Long.MAX_VALUE - 50)).isTrue();
        assertThat(log.tryLog(Long.MAX_VALUE)).isFalse();
        assertThat(log.tryLog(Long.MIN_VALUE + 49)).as("100 ms later, across the wrap").isTrue();
    }

    /** A back end that cannot write (no descriptor left for a file it opens lazily, say) loses the line only. */
    @Test
    void aFailingBackEndLosesTheLineNotTheCaller() {
        System.Logger failing = new System.Logger() {
            @Override
            public String getName() {
                return "failing";
            }

            @Override
            public boolean isLoggable(Level level) {
                return true;
            }

            @Override
            public void log(Level level, java.util.ResourceBundle bundle, String message, Throwable error) {
                throw new Error(new java.io.FileNotFoundException("tzdb.dat (Too many open files)"));
            }

            @Override
            public void log(Level level, java.util.ResourceBundle bundle, String format, Object... parameters) {
                log(level, bundle, format, (Throwable) null);
            }
        };
        ShortageLog log = new ShortageLog(failing, () -> "loop-3", "accepts failed", 100, 0);
        assertThat(log.tryLog(0)).isTrue();
        log.log("cannot accept");
        assertThat(log.tryLog(1)).isFalse();
        log.reportCounted(100);
        assertThat(log.counted()).isZero();
    }
}
