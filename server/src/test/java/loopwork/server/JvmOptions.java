package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The repository's bin/jvm.options, and how to start the server, for the server processes tests start: the
 * flags and the module path bin/loopwork runs with.
 */
final class JvmOptions {

    private JvmOptions() {
    }

    /** The repository's root, found by walking up from the working directory to the one with bin/jvm.options. */
    static Path root() {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isRegularFile(root.resolve("bin/jvm.options"))) {
            root = root.getParent();
        }
        assertThat(root).as("a directory above %s with bin/jvm.options", Path.of("").toAbsolutePath()).isNotNull();
        return root.normalize();
    }

    /** The java argument for the file: {@code @/path/to/bin/jvm.options}. */
    static String argument() {
        return "@" + root().resolve("bin/jvm.options");
    }

    /**
     * The arguments after the JVM flags that run the server as bin/loopwork does, as the module
     * {@code loopwork.server} on a module path: this test JVM's own (surefire runs the tests on the module path),
     * where the server's module is its main classes, without the tests patched in.
     */
    static List<String> serverMain() {
        String modulePath = System.getProperty("jdk.module.path");
        assertThat(modulePath).as("the tests' module path (surefire's useModulePath)").isNotNull();
        return List.of("-p", modulePath, "-m", "loopwork.server/" + Main.class.getName());
    }
}
