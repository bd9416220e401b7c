package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import loopwork.core.Transport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Who owns the port, with real server processes on 127.0.0.1: a second server on a taken address exits 1
 * naming the address and the two deliberate ways, {@code --reuse-port} joins; a server started by
 * {@code systemd-socket-activate} serves the socket it inherits; a successor started with {@code --take-over}
 * takes the listening sockets from a server under kept-alive load, which then drains and exits, with no
 * connection refused, reset or left without an answer.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ListenerProcessTest {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final String marker = "-Dloopwork.process.test=" + UUID.randomUUID();
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void killEverythingStarted() throws InterruptedException {
        for (Process process : processes) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
        for (Process process : processes) {
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aTakenAddressExitsWithOneNamingItAndTheWaysToShare() throws Exception {
        int port = FreePort.pick();
        Server first = start(List.of(), "--host", "127.0.0.1", "-p", String.valueOf(port), "-A", "2", "-C", "100");
        first.awaitOut("listening on 127.0.0.1:" + port);

        Server second = start(List.of(), "--host", "127.0.0.1", "-p", String.valueOf(port), "-A", "1", "-C", "100");

        assertThat(second.awaitExit()).as("%s", second).isEqualTo(Main.FAILED);
        assertThat(second.err()).contains("127.0.0.1:" + port, "--reuse-port", "--take-over");
        assertThat(second.out() + second.err()).doesNotContain("listening on");

        Server joining = start(List.of(), "--host", "127.0.0.1", "-p", String.valueOf(port), "-A", "1", "-C", "100",
                "--reuse-port");
        joining.awaitOut("listening on 127.0.0.1:" + port);
    }

    @Test
    void socketActivationServesTheInheritedSocket() throws Exception {
        assumeTrue(epoll(), "inherited sockets need the epoll transport");
        Path tool = Path.of("/usr/bin/systemd-socket-activate");
        assumeTrue(Files.isExecutable(tool), "systemd-socket-activate is not installed: socket activation untested");
        int port = FreePort.pick();

        Server server = start(List.of(tool.toString(), "-l", "127.0.0.1:" + port), "-A", "2", "-C", "100");
        server.await(server.errFile(), "Listening on 127.0.0.1:" + port); // the tool, which starts java on a connection

        try (RawHttp first = new RawHttp(port, (int) START_TIMEOUT.toMillis())) { // waits in the queue meanwhile
            assertThat(first.send(RawHttp.FAST).read().status()).isEqualTo(200);
        }
        String report = server.awaitOut("accept threads");
        assertThat(report).contains("listening on 127.0.0.1:" + port + " (sockets from systemd socket activation)");
        for (int i = 0; i < 10; i++) {
            try (RawHttp http = new RawHttp(port)) {
                assertThat(http.send(RawHttp.FAST).read().status()).isEqualTo(200);
            }
        }
    }

    @Test
    void aSuccessorTakesOverUnderKeptAliveLoadAndNoConnectionIsRefused() throws Exception {
        assumeTrue(epoll(), "a take-over needs the epoll transport");
        int port = FreePort.pick();
        int adminPort = FreePort.pick();
        Path control = dir.resolve("control.sock");
        Server old = start(List.of(), "--host", "127.0.0.1", "-p", String.valueOf(port), "-A", "2", "-C", "1000",
                "-D", "5", "--control-socket", control.toString(), "--admin-port", String.valueOf(adminPort));
        old.awaitOut("listening on 127.0.0.1:" + port);
        RestartLoad load = new RestartLoad(port).start(4, 2, 10, 0, 1_000);
        try {
            awaitAnswers(load, 200);

            Server successor = start(List.of(), "-A", "2", "-C", "1000", "-D", "5", "--take-over", control.toString(),
                    "--control-socket", control.toString(), "--admin-port", String.valueOf(adminPort));

            String report = successor.awaitOut("took the listening sockets over"); // its start, then the take-over
            assertThat(old.awaitExit()).as("the old server, once taken over: %s", old).isEqualTo(Main.OK);
            assertThat(old.out() + old.err()).as("it drained, not cut: %s", old).contains("drained in")
                    .doesNotContain("reset");
            assertThat(report).contains("listening on 127.0.0.1:" + port + " (sockets from take-over from " + control);
            long before = load.count(RestartLoad.Kind.OK);
            awaitAnswers(load, before + 500);
            assertThat(Files.exists(control)).as("the successor's own control socket").isTrue();
            assertThat(report).as("the admin listener's socket is taken over too")
                    .contains("admin listener on 127.0.0.1:" + adminPort);
            try (RawHttp admin = new RawHttp(adminPort)) {
                assertThat(admin.exchange("GET /readyz HTTP/1.1\r\nHost: t\r\n\r\n").status())
                        .as("the successor answers on the admin port once the old one is gone").isEqualTo(200);
            }
        } finally {
            load.stop();
        }
        // The old server drains what it holds: nothing is lost; a request sent on a kept-alive connection just as
        // the drain closed it idle is retried, as HTTP clients do.
        assertThat(load.count(RestartLoad.Kind.REFUSED)).as(load.summary()).isZero();
        assertThat(load.count(RestartLoad.Kind.RESET)).as(load.summary()).isZero();
        assertThat(load.count(RestartLoad.Kind.EMPTY)).as(load.summary()).isZero();
        assertThat(load.count(RestartLoad.Kind.TIMEOUT)).as(load.summary()).isZero();
    }

    @Test
    void aTakeOverDuringTheDrainDelayEndsTheDelayAndTheOldServerDrainsAtOnce() throws Exception {
        assumeTrue(epoll(), "a take-over needs the epoll transport");
        int port = FreePort.pick();
        int adminPort = FreePort.pick();
        Path control = dir.resolve("control.sock");
        Server old = start(List.of(), "--host", "127.0.0.1", "-p", String.valueOf(port), "-A", "1", "-w", "1",
                "--control-socket", control.toString(), "--admin-port", String.valueOf(adminPort),
                "--drain-delay", "3600");
        old.awaitOut("listening on 127.0.0.1:" + port);
        old.process().destroy(); // SIGTERM: unready, serving on for an hour
        old.awaitOut("serving on for 3600 s");

        Server successor = start(List.of(), "-A", "1", "-w", "1", "--take-over", control.toString(),
                "--admin-port", String.valueOf(adminPort));
        successor.awaitOut("took the listening sockets over");
        assertThat(old.awaitExit()).as("the delay ends with the take-over: %s", old).isEqualTo(Main.OK);
        assertThat(old.out() + old.err()).contains("taken over during --drain-delay", "drained in");
        try (RawHttp admin = new RawHttp(adminPort)) {
            assertThat(admin.exchange("GET /readyz HTTP/1.1\r\nHost: t\r\n\r\n").status()).isEqualTo(200);
        }
        try (RawHttp client = new RawHttp(port)) {
            assertThat(client.exchange(RawHttp.FAST).status()).isEqualTo(200);
        }
    }

    /** Waits, within a bounded time, until {@code load} has had {@code answers} answered requests. */
    private static void awaitAnswers(RestartLoad load, long answers) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (load.count(RestartLoad.Kind.OK) < answers) {
            if (System.nanoTime() - deadline >= 0) {
                fail("only %d of %d answers within 30 s: %s", load.count(RestartLoad.Kind.OK), answers,
                        load.summary());
            }
            Thread.sleep(20);
        }
    }

    private static boolean epoll() {
        return Transport.preferred() == Transport.EPOLL;
    }

    /** A started JVM, perhaps behind a launcher ({@code prefix}), with its output in files. */
    private record Server(Process process, Path outFile, Path errFile) {

        String out() throws IOException {
            return Files.readString(outFile, StandardCharsets.UTF_8);
        }

        String err() throws IOException {
            return Files.readString(errFile, StandardCharsets.UTF_8);
        }

        /** Stdout and the log (stderr), once they hold {@code text}: the start-up report is logged. */
        String awaitOut(String text) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!(out() + err()).contains(text)) {
                if (!process.isAlive()) {
                    fail("exited with %d before printing '%s'; %s", process.exitValue(), text, this);
                }
                if (System.nanoTime() - deadline >= 0) {
                    fail("no '%s' in its output within %s; %s", text, START_TIMEOUT, this);
                }
                Thread.sleep(20);
            }
            return out() + err();
        }

        String await(Path file, String text) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
            while (!Files.readString(file, StandardCharsets.UTF_8).contains(text)) {
                if (!process.isAlive() || System.nanoTime() - deadline >= 0) {
                    fail("no '%s' in %s within %s; %s", text, file.getFileName(), START_TIMEOUT, this);
                }
                Thread.sleep(20);
            }
            return Files.readString(file, StandardCharsets.UTF_8);
        }

        int awaitExit() throws InterruptedException {
            if (!process.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                fail("still running after %s; %s", START_TIMEOUT, this);
            }
            return process.exitValue();
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

    private Server start(List<String> prefix, String... args) throws IOException {
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(ProcessHandle.current().info().command().orElse(
                Path.of(System.getProperty("java.home"), "bin", "java").toString()), marker, JvmOptions.argument()));
        String epoll = System.getProperty(Transport.EPOLL_PROPERTY);
        if (epoll != null) {
            command.add("-D" + Transport.EPOLL_PROPERTY + "=" + epoll);
        }
        command.addAll(JvmOptions.serverMain());
        command.addAll(List.of(args));
        String name = "jvm-" + processes.size();
        Path out = dir.resolve(name + ".out");
        Path err = dir.resolve(name + ".err");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove(Daemon.CHILD_ENV);
        Process process = builder.start();
        processes.add(process);
        return new Server(process, out, err);
    }
}
