package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.DocumentationTool;
import javax.tools.JavaFileObject;
import javax.tools.ToolProvider;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published modules' Javadoc has no warning under {@code -Xdoclint:all} (issue 18): runs the JDK's javadoc
 * in-process on the sources of loopwork.core and loopwork.http, as the Javadoc jars are made from them, and fails
 * naming each warning and error ("core/src/main/java/loopwork/core/Bytes.java:42: warning: no @return"). Run once, on the epoll pass of the suite only (see the
 * server's pom): about 10 s on 2 busy cores.
 */
class JavadocTest {

    @Test
    void thePublishedModulesHaveNoJavadocWarnings(@TempDir Path out) throws IOException {
        Path root = JvmOptions.root();
        List<Finding> findings = javadoc(out, root, "loopwork.core", "core/src/main/java", "loopwork.http",
                "http/src/main/java");

        assertThat(findings).extracting(Finding::toString)
                .as("javadoc -Xdoclint:all over loopwork.core and loopwork.http").isEmpty();
    }

    /** The check sees what it looks for: a module whose public method says nothing of its result. */
    @Test
    void theCheckNamesTheFileTheLineAndTheWarning(@TempDir Path dir) throws IOException {
        Path sources = Files.createDirectories(dir.resolve("src/sample"));
        Path pkg = Files.createDirectories(sources.resolve("sample"));
        Files.writeString(sources.resolve("module-info.java"), "/** A sample. */\nmodule sample {\n"
                + "    exports sample;\n}\n", StandardCharsets.UTF_8);
        Files.writeString(pkg.resolve("Sample.java"), """
                package sample;

                /** A sample. */
                public final class Sample {
                    private Sample() {
                    }

                    /** Nothing said of the result. */
                    public static int answer() {
                        return 42;
                    }
                }
                """, StandardCharsets.UTF_8);

        List<Finding> findings = javadoc(dir.resolve("out"), dir, "sample", "src/sample");

        assertThat(findings).extracting(Finding::toString)
                .containsExactly("src/sample/sample/Sample.java:9: warning: no @return");
    }

    /**
     * Runs javadoc with doclint on every check over the modules named (name, then source folder from
     * {@code root}, for each), writing the pages into {@code out}; returns its warnings and errors.
     */
    private static List<Finding> javadoc(Path out, Path root, String... modules) throws IOException {
        DocumentationTool tool = ToolProvider.getSystemDocumentationTool();
        assertThat(tool).as("the JDK's javadoc (module jdk.javadoc)").isNotNull();
        List<String> options = new ArrayList<>(List.of("-Xdoclint:all", "-Xmaxwarns", "100000", "-Xmaxerrs",
                "100000", "-quiet", "-d", out.toString(), "--module"));
        StringBuilder names = new StringBuilder();
        for (int i = 0; i < modules.length; i += 2) {
            names.append(i == 0 ? "" : ",").append(modules[i]);
        }
        options.add(names.toString());
        for (int i = 0; i < modules.length; i += 2) {
            options.add("--module-source-path");
            options.add(modules[i] + "=" + root.resolve(modules[i + 1]));
        }
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        StringWriter log = new StringWriter();
        Boolean ran = tool.getTask(log, null, diagnostics, null, options, null).call();

        List<Finding> findings = new ArrayList<>();
        for (Diagnostic<? extends JavaFileObject> d : diagnostics.getDiagnostics()) {
            if (d.getKind() == Diagnostic.Kind.NOTE) {
                continue;
            }
            String path = d.getSource() == null ? "(no file)"
                    : root.relativize(Path.of(d.getSource().toUri()).toAbsolutePath()).toString();
            findings.add(new Finding(path, d.getLineNumber(), d.getKind().name().toLowerCase(Locale.ROOT)
                    .replace("mandatory_", ""), d.getMessage(Locale.ROOT)));
        }
        assertThat(ran || findings.stream().anyMatch(f -> f.kind().equals("error")))
                .as("javadoc failed without saying why: %s", log).isTrue();
        return findings;
    }

    /** One warning or error: where, and javadoc's words. */
    private record Finding(String path, long line, String kind, String message) {
        @Override
        public String toString() {
            return path + (line > 0 ? ":" + line : "") + ": " + kind + ": " + message;
        }
    }
}
