package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code package} built, as a user runs it (failsafe runs this after the jars exist): the server jar with
 * {@code java -jar} from another directory, on the epoll transport and with no native-access warning; and the
 * image {@code bin/image} links, started with no java on the PATH and no JAVA_HOME. Each serves
 * {@code /test/fast} and stops on SIGTERM.
 */
class ArtifactIT {

    private static final boolean LINUX = System.getProperty("os.name").equals("Linux");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void theJarRunsWithJavaDashJarFromAnyDirectory() throws Exception {
        Path jar = serverJar();
        int port = FreePort.pick();
        Map<String, String> environment = new HashMap<>();
        environment.put("JAVA_HOME", null);
        try (ServerProcess server = ServerProcess.start(List.of(ServerProcess.javaBinary(), "-jar", jar.toString(),
                "-p", String.valueOf(port), "-A", "1", "-C", "100"), dir, environment)) {
            String log = server.awaitErr(ServerProcess.LISTENING, ServerProcess.START_TIMEOUT);

            if (LINUX) {
                assertThat(log).as("the epoll transport, not the NIO fallback").contains("transport: epoll");
            }
            assertThat(log).as("no native-access warning: the manifest grants it").doesNotContain("WARNING");
            assertThat(ServerProcess.get(port, "/test/fast").statusCode()).isEqualTo(200);
            assertThat(server.stop()).as("a drain that finished exits 0").isZero();
            assertThat(server.err()).contains("drained in").contains("stopped").doesNotContain("Exception");
        }
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void theImageRunsWithNoJdkOnThePath() throws Exception {
        Path root = JvmOptions.root();
        Path image = root.resolve("server/target/image");
        try (ServerProcess link = ServerProcess.start(List.of(root.resolve("bin/image").toString(), "--no-build"),
                dir, Map.of())) {
            assertThat(link.awaitExit(java.time.Duration.ofSeconds(150))).as("bin/image: %s", link).isZero();
        }
        assertThat(image.resolve("bin/loopwork")).isExecutable();
        assertThat(image.resolve("bin/java")).isExecutable();
        Path emptyPath = Files.createDirectory(dir.resolve("no-java-here"));
        Map<String, String> environment = new HashMap<>();
        environment.put("JAVA_HOME", null);
        environment.put("PATH", emptyPath.toString());
        int port = FreePort.pick();
        try (ServerProcess server = ServerProcess.start(List.of(image.resolve("bin/loopwork").toString(),
                "-p", String.valueOf(port), "-A", "1", "-C", "100"), dir, environment)) {
            String log = server.awaitErr(ServerProcess.LISTENING, ServerProcess.START_TIMEOUT);

            assertThat(Files.readSymbolicLink(Path.of("/proc", String.valueOf(server.process.pid()), "exe")))
                    .as("the image's own java").isEqualTo(image.resolve("bin/java").toRealPath());
            if (LINUX) {
                assertThat(log).contains("transport: epoll");
            }
            assertThat(log).doesNotContain("WARNING");
            assertThat(ServerProcess.get(port, "/test/fast").statusCode()).isEqualTo(200);
            assertThat(server.stop()).as("a drain that finished exits 0").isZero();
            assertThat(server.err()).contains("drained in").contains("stopped");
        }
    }

    /** server/target/loopwork-server-VERSION.jar, the one `java -jar` is told to run. */
    static Path serverJar() throws IOException {
        try (Stream<Path> files = Files.list(JvmOptions.root().resolve("server/target"))) {
            List<Path> jars = files.filter(path -> path.getFileName().toString().matches(
                    "loopwork-server-[^/]*\\.jar") && !path.toString().endsWith("-sources.jar")
                    && !path.toString().endsWith("-javadoc.jar")).toList();
            assertThat(jars).as("the server jar, built by package").hasSize(1);
            return jars.getFirst();
        }
    }
}
