package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

/**
 * A server process with only 100 file descriptors, sent 150 connections at once: accepting fails with
 * EMFILE, and the loop must neither spin on its ever-ready listener nor stop; as connections close, the
 * waiting ones are accepted and answered. The failures are logged at WARNING, once per interval.
 *
 * <p>Here the kit's classes come from directories, as an IDE or the tests' own module path serve them: each class
 * loaded opens a file, which a process out of descriptors cannot, where a jar, open already, needs none. The loop
 * that meets EMFILE must not die of a class its failure path loads (it did: {@code NoClassDefFoundError:
 * loopwork/core/epoll/Errno} ended the loop thread, in a process that went on listening). {@link DescriptorLimitIT}
 * runs the same on the packaged jar, as deployed, and reads the count from /metrics too.
 */
class DescriptorLimitTest {

    @Test
    void runningOutOfDescriptorsPausesAcceptingWithoutSpinning() throws Exception {
        List<String> modulePath = new ArrayList<>();
        Path root = JvmOptions.root();
        for (String entry : System.getProperty("jdk.module.path").split(File.pathSeparator)) {
            Path path = Path.of(entry).toAbsolutePath().normalize();
            Path module = path.getParent() == null ? null : path.getParent().getParent(); // MODULE/target/x.jar
            boolean kitJar = module != null && module.getParent() != null && module.getParent().equals(root)
                    && path.getFileName().toString().endsWith(".jar");
            modulePath.add(kitJar ? module.resolve("target/classes").toString() : entry);
        }
        assertThat(String.join(":", modulePath)).as("the module path").contains(root.resolve("core/target/classes")
                .toString());
        String log = serveThroughAShortage(List.of(JvmOptions.argument(), "-p", String.join(File.pathSeparator,
                modulePath), "-m", "loopwork.server/" + Main.class.getName()), false);
        assertThat(log).doesNotContain("NoClassDefFoundError").doesNotContain("Exception in thread");
    }

    /**
     * Starts the server ({@code java} with {@code launch}, then the options) under {@code ulimit -n 100}, sends 150
     * connections at once, checks that the loop does not spin out of descriptors, that each is answered as the
     * ones before it close, that the failures are logged once per interval and, with {@code readMetrics}, counted
     * on /metrics; returns the server's log.
     */
    static String serveThroughAShortage(List<String> launch, boolean readMetrics) throws Exception {
        int port = FreePort.pick();
        Path log = Files.createTempFile("loopwork-fd", ".log");
        String java = ProcessHandle.current().info().command().orElseThrow();
        List<String> command = new ArrayList<>(List.of("bash", "-c", "ulimit -n 100 && exec \"$0\" \"$@\"", java));
        command.addAll(launch);
        command.addAll(List.of("-p", String.valueOf(port), "--host", "127.0.0.1", "-A", "1", "-w", "1", "-C", "1000",
                "--admin-port", "0"));
        Process server = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        List<RawHttp> clients = new ArrayList<>();
        try {
            waitForReport(log);
            long startNs = System.nanoTime();
            for (int i = 0; i < 150; i++) {
                RawHttp client = new RawHttp(port, 15_000);
                clients.add(client);
                client.send(RawHttp.FAST); // beyond ~80 these wait in the kernel's backlog
            }
            Thread.sleep(500);
            long before = cpuTicks(server.pid());
            Thread.sleep(2_000);
            long ticks = cpuTicks(server.pid()) - before;
            assertThat(ticks).as("server CPU ticks (1/100 s) over 2 s while out of descriptors").isLessThan(50);
            for (RawHttp client : clients) {
                assertThat(client.read().status()).isEqualTo(200); // closing each frees one for the next
                client.close();
            }
            if (readMetrics) {
                try (RawHttp client = new RawHttp(port)) {
                    RawHttp.Response metrics = client.exchange("GET /metrics HTTP/1.1\r\nHost: t\r\n\r\n");
                    assertThat(metrics.body()).containsPattern("loopwork_accept_errors_total\\{loop=\"0\"\\} [1-9]");
                }
            }
            // Logged at WARNING once per 10 s (System.Logger loopwork.capacity), not once per failed accept.
            long intervals = 1 + (System.nanoTime() - startNs) / 10_000_000_000L;
            long lines = Files.readAllLines(log).stream()
                    .filter(line -> line.contains("cannot accept a connection (EMFILE")).count();
            assertThat(lines).as("EMFILE lines in %d intervals of 10 s", intervals).isBetween(1L, intervals);
            return Files.readString(log);
        } finally {
            for (RawHttp client : clients) {
                client.close();
            }
            server.destroy();
            if (!server.waitFor(10, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
            Files.deleteIfExists(log);
        }
    }

    private static void waitForReport(Path log) throws Exception {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (!Files.readString(log).contains("pool memory:")) {
            assertThat(System.nanoTime() - deadline).as("start-up report in 20 s: " + Files.readString(log))
                    .isNegative();
            Thread.sleep(50);
        }
    }

    /** utime + stime of the process, in clock ticks (fields 14 and 15 of /proc/PID/stat). */
    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }
}
