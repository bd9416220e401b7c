package loopwork.server;

import java.io.IOException;
import java.io.PrintStream;
import java.util.concurrent.CountDownLatch;

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

    private static int serve(ServerOptions.Settings settings, PrintStream out, PrintStream err) {
        LoopworkServer server;
        try {
            server = LoopworkServer.start(settings, settings.verbose() ? out : null);
        } catch (IOException | IllegalArgumentException e) {
            err.println("loopwork: " + e.getMessage());
            return FAILED;
        }
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
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return OK;
    }
}
