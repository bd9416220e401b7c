package loopwork.resp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The module's shape, as issue 18 asks it: the handler in at most 300 lines, no main source file over 350 (core's
 * ShapeTest rule), and the kit reached through its public package alone, never HTTP or the server.
 */
class RespShapeTest {

    private static final Path SOURCES = Path.of("src/main/java");

    @Test
    void theHandlerIsShortAndNoFileIsLong() throws IOException {
        Map<String, Integer> tooLong = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                int lines = Files.readAllLines(file).size();
                if (lines > 350) {
                    tooLong.put(file.getFileName().toString(), lines);
                }
            }
        }
        assertThat(tooLong).as("main source files over 350 lines").isEmpty();
        assertThat(Files.readAllLines(SOURCES.resolve("loopwork/resp/RespHandler.java"))).hasSizeLessThanOrEqualTo(300);
    }

    @Test
    void onlyTheKitsPublicPackageIsImported() throws IOException {
        Pattern imports = Pattern.compile("^import (loopwork\\.[\\w.]+)\\.\\w+;", Pattern.MULTILINE);
        Map<String, String> others = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = imports.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(1).equals("loopwork.core") && !m.group(1).equals("loopwork.resp")) {
                        others.put(file.getFileName().toString(), m.group(1));
                    }
                }
            }
        }
        assertThat(others).as("imports of packages other than loopwork.core").isEmpty();
    }
}
