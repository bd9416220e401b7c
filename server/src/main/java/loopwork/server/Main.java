package loopwork.server;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;

import loopwork.core.HeapBudget;
import loopwork.core.HeapTooSmallException;

import picocli.CommandLine;

/**
 * The program: parses options, starts the server (or a daemon of it), prints the start-up report, and
 * closes everything on SIGTERM or Ctrl-C. Exit codes: 0 after a clean stop or help, 1 when the server
 * cannot start, 2 for a bad command line.
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
        } catch (CommandLine.ParameterException e) {
            return usageError(withRanges(e), err);
        } catch (OptionError e) {
            return usageError(e.getMessage(), err);
        }
        if (settings.daemonize() && !Daemon.isChild()) {
            return Daemon.launch(settings, args, err, out);
        }
        return serve(settings, out, err);
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

    private static int serve(ServerOptions.Settings settings, PrintStream out, PrintStream err) {
        LoopworkServer server;
        try {
            server = LoopworkServer.start(settings, settings.verbose() ? out : null);
        } catch (HeapTooSmallException e) {
            err.println("loopwork: " + heapTooSmall(e, settings));
            return FAILED;
        } catch (IOException | IllegalArgumentException e) {
            err.println("loopwork: " + e.getMessage());
            return FAILED;
        }
        // Start-up garbage (the command line, class loading: most of what the heap holds now) is collected once,
        // so that the heap pages it touched go back to the system. Serving allocates nothing, so the heap stays
        // at its live set (the contexts made as connections come) instead of an eden that start-up filled.
        System.gc();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            Daemon.removePidFile(settings);
            stopped.countDown();
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
        JvmFigures.loadInBackground(); // once the start-up is over: it needs a quarter second of CPU
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return OK;
    }
}
