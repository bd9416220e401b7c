package loopwork.server.log;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;

/**
 * One line per record, then the stack trace of what was thrown, if anything:
 * {@code 2026-12-07T18:34:40.123Z INFO  [main] loopwork.server: loopwork listening on 0.0.0.0:9000}. The
 * time is ISO 8601 with the zone's offset; the level is named as {@link System.Logger.Level} names it (a JUL
 * level in between takes the name of the next one down); the thread is the one that logged, by name.
 *
 * <p>Thread-safe: stateless; called by a handler for the thread that logs.
 */
final class LogLineFormat extends Formatter {

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT).withZone(ZoneId.systemDefault());

    @Override
    public String format(LogRecord record) {
        StringBuilder line = new StringBuilder(160);
        TIME.formatTo(record.getInstant(), line);
        line.append(' ').append(levelName(record.getLevel())).append(" [").append(threadName(record)).append("] ")
                .append(record.getLoggerName()).append(": ").append(formatMessage(record)).append('\n');
        Throwable thrown = record.getThrown();
        if (thrown != null) {
            StringWriter trace = new StringWriter();
            try (PrintWriter writer = new PrintWriter(trace)) {
                thrown.printStackTrace(writer);
            }
            line.append(trace);
        }
        return line.toString();
    }

    /** ERROR, WARN, INFO, DEBUG or TRACE, padded to one width so that the messages line up. */
    static String levelName(Level level) {
        int value = level.intValue();
        if (value >= Level.SEVERE.intValue()) {
            return "ERROR";
        } else if (value >= Level.WARNING.intValue()) {
            return "WARN ";
        } else if (value >= Level.INFO.intValue()) {
            return "INFO ";
        } else if (value >= Level.FINE.intValue()) {
            return "DEBUG";
        }
        return "TRACE";
    }

    /** The logging thread's name: records are formatted on the thread that logged them (handlers publish at once). */
    private static String threadName(LogRecord record) {
        Thread current = Thread.currentThread();
        return current.threadId() == record.getLongThreadID() ? current.getName() : "thread " + record.getLongThreadID();
    }
}
