package loopwork.server;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code -d}: the JVM cannot fork, so the parent starts the same command again as a child in a new
 * session ({@code setsid}), with stdin from /dev/null and output appended to --log-file, and returns 0
 * only once the child has written its pid file, which it does after it listens. A child that dies first
 * makes the parent print the log's tail and return 1.
 *
 * <p>Runs on the main thread of the parent, and of the child for the pid file.
 */
final class Daemon {

    /** Set in the child's environment: it serves instead of launching again. */
    static final String CHILD_ENV = "LOOPWORK_DAEMON_CHILD";
    static final long START_TIMEOUT_MS = 60_000;

    private Daemon() {
    }

    static boolean isChild() {
        return System.getenv(CHILD_ENV) != null;
    }

    /** With {@code takingOver} (--take-over), the running server the pid file names is the one to replace. */
    static int launch(ServerOptions.Settings settings, String[] args, PrintStream err, PrintStream out,
            boolean takingOver) {
        Path pidFile = settings.pidFile().toAbsolutePath();
        Long running = runningPid(pidFile);
        if (running != null && !takingOver) {
            err.println("loopwork: already running as pid " + running + " (pid file " + pidFile + ")");
            return Main.FAILED;
        }
        Path log = settings.logFile().toAbsolutePath();
        List<String> command = new ArrayList<>();
        if (new File("/usr/bin/setsid").canExecute()) {
            command.add("/usr/bin/setsid"); // a new session: no controlling terminal, no SIGHUP from it
        }
        command.add(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments()); // with the module path, if any
        Module module = Main.class.getModule();
        if (module.isNamed()) { // as bin/loopwork runs it
            command.addAll(List.of("-m", module.getName() + "/" + Main.class.getName()));
        } else {
            command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        }
        command.addAll(List.of(args)); // the child sees -d too, and serves because of CHILD_ENV
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectErrorStream(true);
        builder.environment().put(CHILD_ENV, "1");
        try {
            Files.deleteIfExists(pidFile);
            Process child = builder.start();
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_TIMEOUT_MS);
            while (System.nanoTime() - deadline < 0) {
                Long pid = readPid(pidFile);
                if (pid != null) {
                    out.println("loopwork: running in the background as pid " + pid + ", log " + log);
                    return Main.OK;
                }
                if (child.waitFor(50, TimeUnit.MILLISECONDS)) {
                    err.println("loopwork: the daemon exited with " + child.exitValue() + " before listening; log "
                            + log + ":");
                    err.print(tail(log));
                    return Main.FAILED;
                }
            }
            child.destroy();
            err.println("loopwork: the daemon did not start listening in " + START_TIMEOUT_MS + " ms; log " + log);
            return Main.FAILED;
        } catch (IOException e) {
            err.println("loopwork: cannot start the daemon: " + e.getMessage());
            return Main.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Main.FAILED;
        }
    }

    /** Written once the server listens; replaced atomically so a reader never sees half of it. */
    static void writePidFile(ServerOptions.Settings settings) throws IOException {
        if (settings.pidFile() == null) {
            return;
        }
        Path file = settings.pidFile().toAbsolutePath();
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, ProcessHandle.current().pid() + "\n", StandardCharsets.US_ASCII);
        Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    static void removePidFile(ServerOptions.Settings settings) {
        if (settings.pidFile() == null) {
            return;
        }
        try {
            Long pid = readPid(settings.pidFile());
            if (pid != null && pid == ProcessHandle.current().pid()) {
                Files.deleteIfExists(settings.pidFile());
            }
        } catch (IOException e) {
            // leaving a stale pid file is harmless: the next start checks whether that pid lives
        }
    }

    private static Long runningPid(Path pidFile) {
        Long pid = readPid(pidFile);
        return pid != null && ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false) ? pid : null;
    }

    private static Long readPid(Path pidFile) {
        try {
            String text = Files.readString(pidFile, StandardCharsets.US_ASCII).trim();
            return text.isEmpty() ? null : Long.parseLong(text);
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size())) + "\n";
        } catch (IOException e) {
            return "";
        }
    }
}
