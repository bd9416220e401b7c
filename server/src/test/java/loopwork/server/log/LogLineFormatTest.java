package loopwork.server.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import org.junit.jupiter.api.Test;

/** The log line: ISO time, level by System.Logger's names, the logging thread, the logger, the message, a trace. */
class LogLineFormatTest {

    private final LogLineFormat format = new LogLineFormat();

    @Test
    void oneLineWithTimeLevelThreadLoggerAndMessage() {
        LogRecord record = new LogRecord(Level.INFO, "loopwork listening on {0}:{1}");
        record.setParameters(new Object[] {"0.0.0.0", "9000"});
        record.setLoggerName("loopwork.server");
        record.setInstant(Instant.parse("2026-12-07T18:34:40.123456Z"));

        String line = format.format(record);

        assertThat(line).matches("2026-12-07T\\d\\d:\\d\\d:40\\.123(Z|[+-]\\d\\d:\\d\\d) INFO  \\["
                + Thread.currentThread().getName() + "\\] loopwork.server: loopwork listening on 0.0.0.0:9000\n");
    }

    @Test
    void aFailureIsFollowedByItsStackTrace() {
        LogRecord record = new LogRecord(Level.SEVERE, "loop-0: handler failed");
        record.setLoggerName("loopwork.handler");
        record.setThrown(new IllegalStateException("boom"));

        String text = format.format(record);

        assertThat(text.lines().findFirst().orElseThrow()).endsWith(" ERROR [" + Thread.currentThread().getName()
                + "] loopwork.handler: loop-0: handler failed");
        assertThat(text).contains("\njava.lang.IllegalStateException: boom" + System.lineSeparator())
                .containsPattern("\n\tat (\\S+/)?loopwork\\.server\\.log\\.LogLineFormatTest\\.aFailureIsFollowedByItsStackTrace\\(");
    }

    @Test
    void levelsAreNamedAsSystemLoggerNamesThem() {
        assertThat(LogLineFormat.levelName(ServerLog.julLevel(System.Logger.Level.ERROR))).isEqualTo("ERROR");
        assertThat(LogLineFormat.levelName(ServerLog.julLevel(System.Logger.Level.WARNING))).isEqualTo("WARN ");
        assertThat(LogLineFormat.levelName(ServerLog.julLevel(System.Logger.Level.INFO))).isEqualTo("INFO ");
        assertThat(LogLineFormat.levelName(Level.CONFIG)).isEqualTo("DEBUG");
        assertThat(LogLineFormat.levelName(ServerLog.julLevel(System.Logger.Level.DEBUG))).isEqualTo("DEBUG");
        assertThat(LogLineFormat.levelName(ServerLog.julLevel(System.Logger.Level.TRACE))).isEqualTo("TRACE");
    }

    @Test
    void aRecordFromAnotherThreadIsNamedByItsId() {
        LogRecord record = new LogRecord(Level.WARNING, "x");
        record.setLoggerName("loopwork.server");
        record.setLongThreadID(Thread.currentThread().threadId() + 1000);

        assertThat(format.format(record)).contains(" WARN  [thread " + (Thread.currentThread().threadId() + 1000)
                + "] loopwork.server: x");
    }
}
