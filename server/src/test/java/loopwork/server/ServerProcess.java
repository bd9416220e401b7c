package loopwork.server;

import static org.assertj.core.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A server (or any command) started as a real process, with its stdout and stderr in files that are read by
 * polling with a deadline; {@link #close()} kills it and what it started. For the tests of the program's
 * outside: its log, its environment, the runnable jar and the image.
 */
final class ServerProcess implements AutoCloseable {

    static final Duration START_TIMEOUT = Duration.ofSeconds(20);
    static final Duration EXIT_TIMEOUT = Duration.ofSeconds(10);
    /** The start-up report's last line, logged once the server listens. */
    static final Pattern LISTENING = Pattern.compile("pool memory: [\\d,]+ KB per accept thread");

    final Process process;
    private final Path out;
    private final Path err;

    private ServerProcess(Process process, Path out, Path err) {
        this.process = process;
        this.out = out;
        this.err = err;
    }

    /** Runs {@code command} in {@code directory} with {@code environment} added (a null value removes one). */
    static ServerProcess start(List<String> command, Path directory, Map<String, String> environment)
            throws IOException {
        Path out = Files.createTempFile(directory, "out", ".txt");
        Path err = Files.createTempFile(directory, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith(EnvironmentDefaults.PREFIX));
        environment.forEach((name, value) -> {
            if (value == null) {
                builder.environment().remove(name);
            } else {
                builder.environment().put(name, value);
            }
        });
        return new ServerProcess(builder.start(), out, err);
    }

    /** The server as bin/loopwork runs it (this JVM's java and module path, bin/jvm.options), with {@code args}. */
    static ServerProcess server(Path directory, Map<String, String> environment, String... args) throws IOException {
        List<String> command = new java.util.ArrayList<>(List.of(javaBinary(), JvmOptions.argument()));
        command.addAll(JvmOptions.serverMain());
        command.addAll(List.of(args));
        return start(command, directory, environment);
    }

    static String javaBinary() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    String out() throws IOException {
        return Files.readString(out, StandardCharsets.UTF_8);
    }

    String err() throws IOException {
        return Files.readString(err, StandardCharsets.UTF_8);
    }

    /** Stderr once it matches, failing early if the process exits first. */
    String awaitErr(Pattern pattern, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String text = err();
            if (pattern.matcher(text).find()) {
                return text;
            }
            if (!process.isAlive()) {
                fail("exited with %d before logging %s; %s", process.exitValue(), pattern, this);
            }
            if (System.nanoTime() - deadline >= 0) {
                fail("no %s on stderr within %s; %s", pattern, timeout, this);
            }
            Thread.sleep(20);
        }
    }

    /** Once {@code file} exists, failing early if the process exits first. */
    void awaitFile(Path file, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!Files.exists(file)) {
            if (!process.isAlive()) {
                fail("exited with %d before writing %s; %s", process.exitValue(), file, this);
            }
            if (System.nanoTime() - deadline >= 0) {
                fail("no %s within %s; %s", file, timeout, this);
            }
            Thread.sleep(20);
        }
    }

    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("still running after %s; %s", timeout, this);
        }
        return process.exitValue();
    }

    /** SIGTERM, and the exit code once it exited. */
    int stop() throws InterruptedException {
        process.destroy();
        return awaitExit(EXIT_TIMEOUT);
    }

    static HttpResponse<String> get(int port, String path) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build()) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).GET().build();
            return client.send(request, HttpResponse.BodyHandlers.ofString());
        }
    }

    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> all = new java.util.ArrayList<>(process.descendants().toList());
        all.add(process.toHandle());
        for (ProcessHandle handle : all) {
            handle.destroyForcibly();
        }
        for (ProcessHandle handle : all) {
            handle.onExit().orTimeout(EXIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).exceptionally(e -> handle).join();
        }
    }

    @Override
    public String toString() {
        try {
            return "pid " + process.pid() + (process.isAlive() ? " (running)" : " (exit " + process.exitValue()
                    + ")") + ", stdout:\n" + out() + "\nstderr:\n" + err();
        } catch (IOException e) {
            return "pid " + process.pid() + " (output unreadable: " + e + ")";
        }
    }
}
