package loopwork.server.log;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.System.Logger;
import java.nio.charset.StandardCharsets;
import java.util.logging.ErrorManager;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;

/**
 * How the program logs: the kit and the server log through {@link System.Logger}, which an application that
 * embeds the kit routes wherever it likes; this program alone sets up its default backend, java.util.logging,
 * to write one {@link LogLineFormat line} per record to stderr (a daemon's --log-file). Records of the
 * {@code loopwork} loggers at {@code --log-level} and above are written, and of other loggers (the JDK's) at
 * INFO and above. A JUL configuration of one's own ({@code -Djava.util.logging.config.file}) is left alone.
 *
 * <p>Thread-safe: configured once, on the main thread, before the server starts; records are then written by
 * the threads that log them, one at a time.
 */
public final class ServerLog {

    /** The loggers this program and the kit use are named under this one. */
    public static final String ROOT = "loopwork";
    /** The kit's debug output ({@code -v}), one record per line. */
    public static final String KIT_DEBUG = "loopwork.kit";
    private static final String MANAGER_PROPERTY = "java.util.logging.manager";

    /** Held: JUL keeps loggers weakly, and a collected one would lose the level set on it. */
    private static java.util.logging.Logger loopwork;

    private ServerLog() {
    }

    /** Names {@link ServerLogManager} as the JUL manager: before anything logs (a System.Logger made is enough). */
    public static void install() {
        if (System.getProperty(MANAGER_PROPERTY) == null) {
            System.setProperty(MANAGER_PROPERTY, ServerLogManager.class.getName());
        }
    }

    /** Records at {@code level} and above, one line each, to {@code stream}. */
    public static void configure(Logger.Level level, PrintStream stream) {
        if (System.getProperty("java.util.logging.config.file") != null
                || System.getProperty("java.util.logging.config.class") != null) {
            return;
        }
        Level chosen = julLevel(level);
        java.util.logging.Logger root = java.util.logging.Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        Handler lines = new LineHandler(stream);
        lines.setLevel(Level.ALL);
        root.addHandler(lines);
        root.setLevel(chosen.intValue() < Level.INFO.intValue() ? Level.INFO : chosen);
        loopwork = java.util.logging.Logger.getLogger(ROOT);
        loopwork.setLevel(chosen);
        if (LogManager.getLogManager() instanceof ServerLogManager manager) {
            manager.freeze();
        }
    }

    /** A stream for the kit's debug output: each line it is given is a DEBUG record of {@value #KIT_DEBUG}. */
    public static PrintStream debugStream() {
        return new PrintStream(new LineLogger(System.getLogger(KIT_DEBUG)), true, StandardCharsets.UTF_8);
    }

    static Level julLevel(Logger.Level level) {
        return switch (level) {
            case ALL -> Level.ALL;
            case TRACE -> Level.FINER;
            case DEBUG -> Level.FINE;
            case INFO -> Level.INFO;
            case WARNING -> Level.WARNING;
            case ERROR -> Level.SEVERE;
            case OFF -> Level.OFF;
        };
    }

    /** Writes each record at once, flushed, on the thread that logged it. */
    private static final class LineHandler extends Handler {
        private final PrintStream stream;

        LineHandler(PrintStream stream) {
            this.stream = stream;
            setFormatter(new LogLineFormat());
        }

        @Override
        public synchronized void publish(LogRecord record) {
            if (!isLoggable(record)) {
                return;
            }
            String line;
            try {
                line = getFormatter().format(record);
            } catch (RuntimeException e) {
                reportError(null, e, ErrorManager.FORMAT_FAILURE);
                return;
            }
            stream.print(line);
            stream.flush();
        }

        @Override
        public void flush() {
            stream.flush();
        }

        @Override
        public void close() {
            flush(); // stderr stays open
        }
    }

    /** Bytes up to each newline become one DEBUG record; the PrintStream around it serializes the writers. */
    private static final class LineLogger extends OutputStream {
        private final Logger logger;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(128);

        LineLogger(Logger logger) {
            this.logger = logger;
        }

        @Override
        public void write(int b) {
            if (b == '\n') {
                logger.log(Logger.Level.DEBUG, line.toString(StandardCharsets.UTF_8));
                line.reset();
            } else {
                line.write(b);
            }
        }
    }
}
