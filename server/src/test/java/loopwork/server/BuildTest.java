package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The build on a JDK other than 25: Maven must start, and stop at once with a message naming JDK 25 and where
 * the scripts look for one, not fail on a JVM option that JDK does not know. Runs the real {@code mvn} on the
 * repository's root pom alone ({@code -N}, offline: the build running this test has fetched the plugin), with
 * another JDK found under /usr/lib/jvm; skipped where there is none, or no {@code mvn}. 2 to 5 s; run once,
 * on the epoll pass of the suite only (see the server's pom).
 */
class BuildTest {

    @Test
    void anotherJdkStopsTheBuildNamingJdk25AndWhereTheScriptsLook() throws Exception {
        Optional<Path> otherJdk = otherJdk();
        Optional<Path> mvn = onPath("mvn");
        assumeTrue(otherJdk.isPresent(), "no JDK other than 25 under /usr/lib/jvm");
        assumeTrue(mvn.isPresent(), "no mvn on the PATH");
        Path output = Files.createTempFile("loopwork-build", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(mvn.get().toString(), "-B", "-o", "-q", "-N", "validate")
                    .directory(JvmOptions.root().toFile()).redirectErrorStream(true).redirectOutput(output.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            Map<String, String> env = builder.environment();
            env.put("JAVA_HOME", otherJdk.get().toString());
            env.remove("MAVEN_OPTS"); // bin/test sets it for JDK 25 only
            env.remove("MAVEN_ARGS");
            Process process = builder.start();
            boolean exited = process.waitFor(60, TimeUnit.SECONDS);
            if (!exited) {
                process.destroyForcibly();
            }
            String text = Files.readString(output, StandardCharsets.UTF_8);

            assertThat(exited).as("mvn exited within 60 s: %s", text).isTrue();
            assertThat(process.exitValue()).as("mvn on %s: %s", otherJdk.get(), text).isNotZero();
            assertThat(text).doesNotContain("Unrecognized option");
            assertThat(text).contains("builds with a JDK 25", "JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 mvn",
                    "bin/jdk.sh looks at $JAVA_HOME, then /usr/lib/jvm/temurin-25-jdk-amd64");
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** A JDK under /usr/lib/jvm whose release file names another major version than 25. */
    private static Optional<Path> otherJdk() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> all = Files.list(jvms)) {
            return all.filter(jdk -> Files.isExecutable(jdk.resolve("bin/javac")))
                    .filter(jdk -> major(jdk).map(major -> !major.equals("25")).orElse(false))
                    .sorted().findFirst();
        }
    }

    private static Optional<String> major(Path jdk) {
        try {
            List<String> lines = Files.readAllLines(jdk.resolve("release"), StandardCharsets.UTF_8);
            return lines.stream().filter(line -> line.startsWith("JAVA_VERSION="))
                    .map(line -> line.substring("JAVA_VERSION=".length()).replace("\"", "").split("[.]")[0])
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> onPath(String command) {
        return Stream.of(System.getenv().getOrDefault("PATH", "").split(File.pathSeparator))
                .filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, command)).filter(Files::isExecutable)
                .findFirst();
    }
}
