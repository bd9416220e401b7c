package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every relative link in the repository's Markdown (README.md, docs/**, every page; inline links and images, and
 * reference definitions) points to a file or directory inside the repository that exists: a clone has nothing
 * beside it. An anchor ({@code page.md#section}, or {@code #section} within a page) must name a heading of that
 * page, by GitHub's rule for heading ids. Links with a scheme (https:, mailto:) are not checked; code spans and
 * fenced blocks are not links. Run once, on the epoll pass of the suite only (see the server's pom): a few
 * milliseconds.
 */
class MarkdownLinksTest {

    /** Directories of build output, and .git: not the repository's own text. */
    private static final Set<String> SKIPPED_NAMES = Set.of(".git", "target", "node_modules");
    /** bench/out holds the benchmarks' output, with worktrees of other revisions (bench/ab.sh). */
    private static final Set<String> SKIPPED_PATHS = Set.of("bench/out");
    private static final Pattern INLINE = Pattern.compile("!?\\[(?:[^\\]\\[]|\\[[^\\]]*\\])*\\]\\(\\s*(<[^>]*>|[^)\\s]+)");
    private static final Pattern DEFINITION = Pattern.compile("^ {0,3}\\[[^\\]]+\\]:\\s*(<[^>]*>|\\S+)");
    private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");
    private static final Pattern CODE_SPAN = Pattern.compile("(`+)(?:(?!\\1).)+?\\1");
    private static final Pattern HEADING = Pattern.compile("^ {0,3}#{1,6}\\s+(.*?)(?:\\s+#+)?\\s*$");
    private static final Pattern LINK_TEXT = Pattern.compile("!?\\[([^\\]]*)\\]\\([^)]*\\)");
    /** What GitHub drops from a heading's text to make its id: all but letters, digits, '_', '-' and spaces. */
    private static final Pattern NOT_IN_ID = Pattern.compile("[^\\p{L}\\p{N}\\p{M}_\\- ]");
    /** The ids GitHub gives a page's headings, read once per page. */
    private static final Map<Path, Set<String>> HEADING_IDS = new HashMap<>();

    @Test
    void everyRelativeLinkPointsToAFileInTheRepository() throws IOException {
        Path root = root();
        List<Path> pages = markdown(root);
        List<String> broken = new ArrayList<>();
        int links = 0;
        for (Path page : pages) {
            for (Link link : links(page)) {
                links++;
                String problem = check(root, page, link.target());
                if (problem != null) {
                    broken.add(root.relativize(page) + ":" + link.line() + ": " + link.target() + " " + problem);
                }
            }
        }

        assertThat(pages).as("Markdown files under %s", root).isNotEmpty();
        assertThat(links).as("relative links found").isPositive();
        assertThat(broken).as("links in %d pages that a clone cannot follow", pages.size()).isEmpty();
    }

    /** The check itself: what it finds wrong, and what it lets pass, on pages made for it. */
    @Test
    void theCheckFindsMissingFilesLinksOutOfTheRepositoryAndUnknownAnchors(@TempDir Path dir) throws IOException {
        Path root = Files.createDirectories(dir.resolve("repo"));
        Files.createDirectories(root.resolve("docs/seed"));
        Files.writeString(root.resolve("docs/seed/a b.md"), "# A part: `--its` name\n## Again\n## Again\n");
        Files.writeString(dir.resolve("outside.md"), "beside the repository, as ../shared was");
        Path page = root.resolve("docs/page.md");
        Files.writeString(page, String.join("\n", "[ok](seed/a%20b.md#a-part---its-name) [up](../docs/seed/) ![img](/docs/page.md)",
                "[gone](seed/missing.md) and [out](../../outside.md)", "[ref]: seed/nothing.md",
                "`[code](nowhere.md)` [web](https://example.org/x.md) [anchor](#here) [mail](mailto:a@b)",
                "```", "[fenced](nowhere.md)", "# not a heading", "```", "## [Here](#here)",
                "[no such](#not-a-heading) [second](seed/a%20b.md#again-1) [third](seed/a%20b.md#again-2)", ""));

        List<String> found = new ArrayList<>();
        for (Link link : links(page)) {
            found.add(link.line() + " " + link.target() + " " + check(root, page, link.target()));
        }

        assertThat(found).containsExactly("1 seed/a%20b.md#a-part---its-name null", "1 ../docs/seed/ null",
                "1 /docs/page.md null", "2 seed/missing.md does not exist", "2 ../../outside.md leaves the repository",
                "3 seed/nothing.md does not exist", "4 #here null", "9 #here null",
                "10 #not-a-heading has no heading #not-a-heading", "10 seed/a%20b.md#again-1 null",
                "10 seed/a%20b.md#again-2 has no heading #again-2");
    }

    /**
     * Null if the link's target is inside the repository and exists, and its anchor, if any, names a heading of
     * a Markdown target; else what is wrong.
     */
    static String check(Path root, Path page, String target) throws IOException {
        String path = target.startsWith("<") ? target.substring(1, target.length() - 1) : target;
        int hash = path.indexOf('#');
        String anchor = hash < 0 ? "" : path.substring(hash + 1);
        int cut = indexOfAny(path, '#', '?');
        path = cut < 0 ? path : path.substring(0, cut);
        Path resolved = page;
        if (!path.isEmpty()) {
            path = path.replace("%20", " ");
            resolved = (path.startsWith("/") ? root.resolve(path.substring(1)) : page.getParent().resolve(path))
                    .normalize();
            if (!resolved.startsWith(root)) {
                return "leaves the repository";
            }
            if (!Files.exists(resolved)) {
                return "does not exist";
            }
        }
        if (anchor.isEmpty() || !resolved.getFileName().toString().endsWith(".md") || !Files.isRegularFile(resolved)) {
            return null;
        }
        return headingIds(resolved).contains(anchor) ? null : "has no heading #" + anchor;
    }

    /**
     * GitHub's rule: the heading's text (a link's text, a code span's content), lower-cased, with all but letters,
     * digits, '_', '-' and spaces dropped and each space made a '-'; a repeated id gets -1, -2, ... after it.
     */
    static Set<String> headingIds(Path page) throws IOException {
        Set<String> cached = HEADING_IDS.get(page);
        if (cached != null) {
            return cached;
        }
        Set<String> ids = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        for (String line : outsideFences(page)) {
            Matcher heading = HEADING.matcher(line);
            if (heading.matches()) {
                String text = LINK_TEXT.matcher(heading.group(1)).replaceAll("$1").replace("`", "");
                String id = NOT_IN_ID.matcher(text.toLowerCase(Locale.ROOT)).replaceAll("").replace(' ', '-');
                int repeats = seen.merge(id, 1, Integer::sum) - 1;
                ids.add(repeats == 0 ? id : id + "-" + repeats);
            }
        }
        HEADING_IDS.put(page, ids);
        return ids;
    }

    private static int indexOfAny(String text, char a, char b) {
        int i = text.indexOf(a);
        int j = text.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }

    record Link(int line, String target) {
    }

    /** The relative links of a page, outside fenced code blocks and code spans. */
    static List<Link> links(Path page) throws IOException {
        List<Link> links = new ArrayList<>();
        List<String> lines = outsideFences(page);
        for (int i = 0; i < lines.size(); i++) {
            String text = CODE_SPAN.matcher(lines.get(i)).replaceAll("");
            Matcher inline = INLINE.matcher(text);
            while (inline.find()) {
                add(links, i + 1, inline.group(1));
            }
            Matcher definition = DEFINITION.matcher(text);
            if (definition.find()) {
                add(links, i + 1, definition.group(1));
            }
        }
        return links;
    }

    /** A page's lines, those of fenced code blocks (fences included) made empty: not text, but still counted. */
    private static List<String> outsideFences(Path page) throws IOException {
        List<String> lines = new ArrayList<>(Files.readAllLines(page, StandardCharsets.UTF_8));
        String fence = null;
        for (int i = 0; i < lines.size(); i++) {
            String trimmed = lines.get(i).stripLeading();
            if (fence == null && (trimmed.startsWith("```") || trimmed.startsWith("~~~"))) {
                fence = trimmed.substring(0, 3);
            } else if (fence != null && trimmed.startsWith(fence)) {
                fence = null;
            } else if (fence == null) {
                continue;
            }
            lines.set(i, "");
        }
        return lines;
    }

    private static void add(List<Link> links, int line, String target) {
        if (!SCHEME.matcher(target).find() && !target.startsWith("//")) {
            links.add(new Link(line, target));
        }
    }

    /** The repository's Markdown files, outside build output and .git. */
    static List<Path> markdown(Path root) throws IOException {
        List<Path> pages = new ArrayList<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                String relative = root.relativize(dir).toString();
                return SKIPPED_NAMES.contains(dir.getFileName().toString()) || SKIPPED_PATHS.contains(relative)
                        ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                if (attributes.isRegularFile() && file.getFileName().toString().endsWith(".md")) {
                    pages.add(file);
                }
                return FileVisitResult.CONTINUE;
            }
        });
        pages.sort(null);
        return pages;
    }

    /** The repository's root: the directory above the working directory that holds bin/loopwork. */
    static Path root() {
        Path root = Path.of("").toAbsolutePath();
        while (root != null && !Files.isRegularFile(root.resolve("bin/loopwork"))) {
            root = root.getParent();
        }
        assertThat(root).as("a directory above %s with bin/loopwork", Path.of("").toAbsolutePath()).isNotNull();
        return root.normalize();
    }
}
