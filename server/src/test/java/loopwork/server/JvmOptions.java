package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's bin/jvm.options, for the server processes tests start: the flags bin/loopwork runs with. */
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
}
