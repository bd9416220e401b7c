package loopwork.server;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import loopwork.core.ControlSocket;
import loopwork.core.HeapBudget;
import loopwork.core.HeapTooSmallException;
import loopwork.core.InheritedListeners;
import loopwork.core.TakeOver;
import loopwork.server.log.ServerLog;

import picocli.CommandLine;

/**
 * The program: parses options (from the command line and the environment), sets up the log, starts the server
 * (or a daemon of it), logs the start-up report, and drains, then stops, on SIGTERM or Ctrl-C ({@link Shutdown}).
 * Help, the version and command-line errors are printed, not logged. Exit codes: 0 after a stop or help, 1 when
 * the server cannot start, 2 for a bad command line.
 *
 * <p>Runs on the main thread; the shutdown hook runs on its own.
 */
public final class Main {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    static {
        ServerLog.install(); // before anything logs, LOG below included: the JDK chooses its JUL manager once
    }

    private static final System.Logger LOG = System.getLogger("loopwork.server");

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    /** Runs the program until it stops, with options from {@code environment} too; returns the exit code. */
    static int run(String[] args, Map<String, String> environment, PrintStream out, PrintStream err) {
        ServerOptions options = new ServerOptions();
        CommandLine commandLine = new CommandLine(options);
        EnvironmentDefaults fromEnvironment = new EnvironmentDefaults(environment);
        commandLine.setDefaultValueProvider(fromEnvironment);
        ServerOptions.Settings settings;
        System.Logger.Level logLevel;
        ServerOptions.Listening listening;
        try {
            commandLine.parseArgs(args);
            if (commandLine.isUsageHelpRequested()) {
                commandLine.usage(out);
                return OK;
            }
            if (commandLine.isVersionHelpRequested()) {
                commandLine.printVersionHelp(out);
                return OK;
            }
            settings = options.resolve();
            logLevel = options.logLevel();
            listening = options.listening();
        } catch (CommandLine.ParameterException e) {
            return usageError(withRanges(e) + fromEnvironment.source(e.getMessage()), err);
        } catch (OptionError e) {
            return usageError(e.getMessage() + fromEnvironment.source(e.getMessage()), err);
        }
        if (settings.daemonize() && !Daemon.isChild()) {
            return Daemon.launch(settings, args, err, out, listening.takeOver() != null);
        }
        ServerLog.configure(logLevel, err);
        for (String name : fromEnvironment.unknown(commandLine.getCommandSpec(), List.of(Daemon.CHILD_ENV))) {
            LOG.log(Level.WARNING, "ignoring the environment variable " + name + ": no option reads it "
                    + "(loopwork --help lists them)");
        }
        return serve(settings, listening, logLevel, out, err);
    }

    /** Picocli's message, plus what each option it names accepts (a missing value names no range itself). */
    private static String withRanges(CommandLine.ParameterException e) {
        StringBuilder message = new StringBuilder(e.getMessage());
        if (e instanceof CommandLine.MissingParameterException missing) {
            for (CommandLine.Model.ArgSpec spec : missing.getMissing()) {
                if (spec instanceof CommandLine.Model.OptionSpec option) {
                    message.append("; ").append(option.longestName()).append(": ")
                            .append(String.join(" ", option.description()));
                }
            }
        }
        return message.toString();
    }

    /** Address in use: which one, and the two deliberate ways to start beside or instead of its owner. */
    static String addressInUse(BindException e) {
        return e.getMessage() + ". Another process (or socket) listens there already. To run beside it on "
                + "purpose, start with --reuse-port (the kernel then spreads connections over both); to replace "
                + "it without refusing connections, start it with --control-socket PATH and this one with "
                + "--take-over PATH.";
    }

    private static void closeQuietly(TakeOver takeOver) {
        if (takeOver != null) {
            takeOver.close();
        }
    }

    private static int usageError(String message, PrintStream err) {
        err.println("loopwork: " + message);
        err.println("Try 'loopwork --help' for the options and their ranges.");
        return USAGE;
    }

    /**
     * One paragraph: what the kit allocates at start for these workers and task slots, and the ways out. Exit
     * code 1, not the command line's 2: the same options are valid and start on a larger heap, which JAVA_OPTS
     * sets, not loopwork's options, so it is the JVM that is short, as a port already taken is the machine's
     * state.
     */
    static String heapTooSmall(HeapTooSmallException e, ServerOptions.Settings settings) {
        HeapBudget budget = e.budget();
        long neededMb = Math.ceilDiv(budget.heapNeeded(e.usedHeapBytes()), 1L << 20);
        String xmx = neededMb < 1024 ? Math.ceilDiv(neededMb, 64) * 64 + "m" : Math.ceilDiv(neededMb, 1024) + "g";
        return String.format(Locale.ROOT, "the Java heap is too small for what the server allocates at start: "
                + "-A %d -w %d --task-slots %d take about %,d MB of heap for mailboxes and task slots, so the "
                + "server needs about %,d MB of heap with what is already in use and an eighth kept free, but this "
                + "JVM may use at most %,d MB. Give it more heap, e.g. -Xmx%s (JAVA_OPTS=-Xmx%s bin/loopwork), or "
                + "lower -w or --task-slots.", settings.acceptThreads(), settings.workerThreads(),
                settings.taskSlots(), Math.ceilDiv(budget.startBytes(), 1L << 20), neededMb,
                Math.ceilDiv(e.maxHeapBytes(), 1L << 20), xmx, xmx);
    }

    private static int serve(ServerOptions.Settings settings, ServerOptions.Listening listening, Level logLevel,
            PrintStream out, PrintStream err) {
        LoopworkServer server;
        TakeOver takeOver = null;
        try {
            InheritedListeners inherited;
            InheritedListeners inheritedAdmin = InheritedListeners.none();
            if (listening.takeOver() != null) {
                takeOver = TakeOver.connect(listening.takeOver(), ControlSocket.TIMEOUT_MS);
                inherited = takeOver.listeners(0);
                inheritedAdmin = takeOver.listeners(1); // see LoopworkServer.kits()
            } else {
                inherited = InheritedListeners.fromSystemd();
            }
            server = LoopworkServer.start(settings, logLevel == Level.DEBUG ? ServerLog.debugStream() : null,
                    listening, inherited, inheritedAdmin);
        } catch (BindException e) {
            LOG.log(Level.ERROR, addressInUse(e));
            closeQuietly(takeOver);
            return FAILED;
        } catch (HeapTooSmallException e) {
            closeQuietly(takeOver);
            LOG.log(Level.ERROR, heapTooSmall(e, settings));
            return FAILED;
        } catch (IOException | IllegalArgumentException e) {
            closeQuietly(takeOver); // before serving: the running server carries on
            LOG.log(Level.ERROR, "cannot start: " + e.getMessage());
            return FAILED;
        }
        // Start-up garbage (the command line, class loading: most of what the heap holds now) is collected once,
        // so that the heap pages it touched go back to the system. Serving allocates nothing, so the heap stays
        // at its live set (the contexts made as connections come) instead of an eden that start-up filled.
        System.gc();
        Shutdown shutdown = new Shutdown(server, settings.drainTimeoutSeconds(), settings.drainDelaySeconds());
        try {
            shutdown.install();
        } catch (ReflectiveOperationException e) {
            LOG.log(Level.ERROR, "cannot handle SIGTERM and SIGINT (is the module jdk.unsupported missing?)", e);
            server.close();
            return FAILED;
        }
        Restarts restarts = new Restarts();
        // Other ways the JVM ends (SIGHUP, System.exit) still close the server and tidy up.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            restarts.close();
            server.close();
            Daemon.removePidFile(settings);
        }, "loopwork-shutdown"));
        for (String line : server.report(settings.slowDurationMs()).split("\\R")) {
            LOG.log(Level.INFO, line);
        }
        try {
            Daemon.writePidFile(settings);
        } catch (IOException e) {
            LOG.log(Level.ERROR, "cannot write pid file " + settings.pidFile() + ": " + e.getMessage());
            server.close();
            return FAILED;
        }
        JvmFigures.loadInBackground(); // once the start-up is over: it needs a quarter second of CPU
        if (!restarts.begin(takeOver, listening, server, shutdown::takenOver)) {
            server.close();
            return FAILED;
        }
        try {
            shutdown.drainWhenAsked();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.close();
        }
        Daemon.removePidFile(settings);
        return OK;
    }
}
