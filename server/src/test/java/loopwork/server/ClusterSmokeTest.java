package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster test in small ({@code deploy/cluster-test.sh --quick --hosts 1}): one host in a network namespace
 * behind HAProxy, under load from its counting client, restarted once (the new process beside the old, which then
 * drains), with no request failed. It needs root, {@code ip netns} and {@code haproxy} (bin/test installs it when
 * it can); without them it is skipped, saying which is missing. The servers run from this build's module path, as
 * {@link JvmOptions} starts them: the jar bin/loopwork runs is not built yet while the tests run.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ClusterSmokeTest {

    private static final Pattern TOTAL = Pattern.compile("(?m)^(\\d+) requests, (\\d+) failed$");

    @TempDir
    Path dir;

    @Test
    void oneHostBehindHaproxyRestartsUnderLoadWithNoRequestFailed() throws Exception {
        List<String> missing = new ArrayList<>();
        if (!onPath("haproxy")) {
            missing.add("haproxy (not on the PATH; apt-get install haproxy)");
        }
        if (!"0".equals(run("id", "-u"))) {
            missing.add("root (for network namespaces)");
        } else if (run("ip", "netns", "list") == null) {
            missing.add("ip netns (iproute2)");
        }
        assumeTrue(missing.isEmpty(), "the cluster smoke test needs " + String.join(", ", missing));

        Path root = JvmOptions.root();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // Small and quick to start: three JVMs (the old server, the new one, the client) share the cores.
        List<String> server = new ArrayList<>(List.of(java, JvmOptions.argument(), "-Xmx64m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1"));
        server.addAll(JvmOptions.serverMain());
        Path log = dir.resolve("cluster-test.out");
        ProcessBuilder builder = new ProcessBuilder(root.resolve("deploy/cluster-test.sh").toString(), "--quick",
                "--hosts", "1", "--no-wrk", "--steady", "1", "--connections", "4", "--check-path", checkPath())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("CLUSTER_TEST_SERVER", String.join(" ", server));
        Process script = builder.start();
        try {
            assertThat(script.waitFor(120, TimeUnit.SECONDS)).as("the script finished within 120 s").isTrue();
        } finally {
            if (script.isAlive()) {
                script.destroy(); // SIGTERM: its trap removes the namespaces and stops what it started
                script.waitFor(20, TimeUnit.SECONDS);
            }
        }
        String out = Files.readString(log);
        assertThat(script.exitValue()).as("exit status; output:%n%s", out).isZero();
        Matcher total = TOTAL.matcher(out);
        assertThat(total.find()).as("a line 'N requests, F failed' in:%n%s", out).isTrue();
        assertThat(Long.parseLong(total.group(1))).as("requests made").isPositive();
        assertThat(Long.parseLong(total.group(2))).as("requests failed; output:%n%s", out).isZero();
        assertThat(out).contains("old one drained");
    }

    /** HAProxy checks /readyz once the server has it (its route class is there), else a route that answers 200. */
    private static String checkPath() {
        try {
            Class.forName("loopwork.server.ReadyRoute");
            return "/readyz";
        } catch (ClassNotFoundException e) {
            return "/test/fast";
        }
    }

    private static boolean onPath(String command) {
        for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(directory, command))) {
                return true;
            }
        }
        return false;
    }

    /** The command's output, stripped, or null when it cannot run or fails. */
    private static String run(String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? text : null;
        } catch (IOException e) {
            return null;
        }
    }
}
