package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Code shown in the repository's Markdown that claims a source file ({@code <!-- snippet: path -->} on the line
 * before a fenced block, the path from the repository's root) is that file's text, line for line: the build
 * compiles and tests the file, so the page's code compiles and works too. README.md must have at least one
 * (its protocol on the kit, core's test source {@code Squares.java}). Run once, on the epoll pass of the suite
 * only (see the server's pom).
 */
class MarkdownSnippetsTest {

    private static final String MARK = "<!-- snippet: ";

    @Test
    void everySnippetIsTheTextOfTheSourceItNames() throws IOException {
        Path root = MarkdownLinksTest.root();
        List<String> problems = new ArrayList<>();
        int snippets = 0;
        for (Path page : MarkdownLinksTest.markdown(root)) {
            List<String> found = check(root, page);
            snippets += found.size();
            for (String problem : found) {
                if (problem.contains(": ")) {
                    problems.add(root.relativize(page) + ":" + problem);
                }
            }
        }

        assertThat(check(root, root.resolve("README.md"))).as("snippets in README.md").isNotEmpty();
        assertThat(snippets).isPositive();
        assertThat(problems).as("snippets that are not the text of their source").isEmpty();
    }

    /** The check itself, on a page made for it: a true copy passes; a changed line or a missing file does not. */
    @Test
    void theCheckFindsAChangedLineAndAMissingSource(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("A.java"), "class A {\n    int a;\n    int b;\n}\n");
        Path page = root.resolve("page.md");
        Files.writeString(page, String.join("\n", "<!-- snippet: A.java -->", "```java", "    int a;", "    int b;",
                "```", "<!-- snippet: A.java -->", "```java", "    int a;", "    int c;", "```",
                "<!-- snippet: B.java -->", "```", "x", "```", "<!-- snippet: A.java -->", "no block", ""));

        assertThat(check(root, page)).containsExactly("1", "6: not a run of lines of A.java",
                "11: B.java does not exist", "15: no fenced block follows");
    }

    /**
     * Each snippet of a page: its line alone when it is the text of its source, else the line, ": " and what is
     * wrong.
     */
    static List<String> check(Path root, Path page) throws IOException {
        List<String> lines = Files.readAllLines(page, StandardCharsets.UTF_8);
        List<String> results = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (!line.startsWith(MARK) || !line.endsWith("-->")) {
                continue;
            }
            String where = String.valueOf(i + 1);
            String source = line.substring(MARK.length(), line.length() - 3).strip();
            if (i + 1 >= lines.size() || !lines.get(i + 1).startsWith("```")) {
                results.add(where + ": no fenced block follows");
                continue;
            }
            int end = i + 2;
            while (end < lines.size() && !lines.get(end).startsWith("```")) {
                end++;
            }
            List<String> block = lines.subList(i + 2, end);
            Path file = root.resolve(source).normalize();
            if (!file.startsWith(root) || !Files.isRegularFile(file)) {
                results.add(where + ": " + source + " does not exist");
            } else if (block.isEmpty()
                    || Collections.indexOfSubList(Files.readAllLines(file, StandardCharsets.UTF_8), block) < 0) {
                results.add(where + ": not a run of lines of " + source);
            } else {
                results.add(where);
            }
            i = end;
        }
        return results;
    }
}
