package loopwork.server;

import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.util.Locale;

import loopwork.core.ControlSocket;
import loopwork.core.HeapBudget;
import loopwork.core.HeapTooSmallException;
import loopwork.core.InheritedListeners;
import loopwork.core.TakeOver;

import picocli.CommandLine;

/**
 * The program: parses options, starts the server (or a daemon of it), prints the start-up report, and
 * drains, then stops, on SIGTERM or Ctrl-C ({@link Shutdown}). Exit codes: 0 after a stop or help, 1 when the
 * server cannot start, 2 for a bad command line.
 *
 * <p>Runs on the main thread; the shutdown hook runs on its own.
 */
public final class Main {

    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the program until it stops; returns the exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        ServerOptions options = new ServerOptions();
        CommandLine commandLine = new CommandLine(options);
        ServerOptions.Settings settings;
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
            listening = options.listening();
        } catch (CommandLine.ParameterException e) {
            return usageError(withRanges(e), err);
        } catch (OptionError e) {
            return usageError(e.getMessage(), err);
        }
        if (settings.daemonize() && !Daemon.isChild()) {
            return Daemon.launch(settings, args, err, out, listening.takeOver() != null);
        }
        return serve(settings, listening, out, err);
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

    private static int serve(ServerOptions.Settings settings, ServerOptions.Listening listening, PrintStream out,
            PrintStream err) {
        LoopworkServer server;
        TakeOver takeOver = null;
        try {
            InheritedListeners inherited;
            if (listening.takeOver() != null) {
                takeOver = TakeOver.connect(listening.takeOver(), ControlSocket.TIMEOUT_MS);
                inherited = takeOver.listeners();
            } else {
                inherited = InheritedListeners.fromSystemd();
            }
            server = LoopworkServer.start(settings, settings.verbose() ? out : null, listening, inherited);
        } catch (BindException e) {
            err.println("loopwork: " + addressInUse(e));
            closeQuietly(takeOver);
            return FAILED;
        } catch (HeapTooSmallException e) {
            closeQuietly(takeOver);
            err.println("loopwork: " + heapTooSmall(e, settings));
            return FAILED;
        } catch (IOException | IllegalArgumentException e) {
            closeQuietly(takeOver); // before serving: the running server carries on
            err.println("loopwork: " + e.getMessage());
            return FAILED;
        }
        // Start-up garbage (the command line, class loading: most of what the heap holds now) is collected once,
        // so that the heap pages it touched go back to the system. Serving allocates nothing, so the heap stays
        // at its live set (the contexts made as connections come) instead of an eden that start-up filled.
        System.gc();
        Shutdown shutdown = new Shutdown(server, settings.drainTimeoutSeconds());
        try {
            shutdown.install();
        } catch (ReflectiveOperationException e) {
            err.println("loopwork: cannot handle SIGTERM and SIGINT (the module jdk.unsupported is missing?): " + e);
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
        out.print(server.report(settings.slowDurationMs()));
        out.flush();
        try {
            Daemon.writePidFile(settings);
        } catch (IOException e) {
            err.println("loopwork: cannot write pid file " + settings.pidFile() + ": " + e.getMessage());
            server.close();
            return FAILED;
        }
        if (!restarts.begin(takeOver, listening, server, shutdown::takenOver, out, err)) {
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
