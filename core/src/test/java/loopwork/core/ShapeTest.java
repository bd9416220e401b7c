package loopwork.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The core's shape, as issue 15 measures it: no set of more than {@link #MAX_CYCLE} main classes that all reach
 * each other, no main source file over {@link #MAX_LINES} lines. Class dependencies come from {@code jdeps} on
 * the compiled classes (nested classes count as their outer class); each failure names what to look at.
 */
class ShapeTest {

    static final int MAX_CYCLE = 5;
    static final int MAX_LINES = 350;
    private static final Path CLASSES = Path.of("target/classes");
    private static final Path SOURCES = Path.of("src/main/java");

    @Test
    void noLargeDependencyCycleAmongTheCoresClasses() {
        Map<String, Set<String>> graph = dependencies();
        assertTrue(graph.size() > 20, "jdeps found only " + graph.size() + " classes: " + graph.keySet());
        List<Set<String>> cycles = stronglyConnected(graph).stream().filter(c -> c.size() > 1).toList();
        System.out.println("core's classes in cycles: " + cycles);
        List<Set<String>> large = cycles.stream().filter(c -> c.size() > MAX_CYCLE).toList();
        assertTrue(large.isEmpty(), "classes that all reach each other, more than " + MAX_CYCLE + ": " + large);
    }

    @Test
    void noMainSourceFileIsLong() throws IOException {
        Map<String, Integer> tooLong = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                int lines = Files.readAllLines(file).size();
                if (lines > MAX_LINES) {
                    tooLong.put(SOURCES.relativize(file).toString(), lines);
                }
            }
        }
        assertEquals(Map.of(), tooLong, "main source files over " + MAX_LINES + " lines");
    }

    /** The seam's types are used as what they are: no cast from one to a concrete class behind it. */
    @Test
    void noCastFromASeamTypeToItsImplementations() throws Exception {
        List<String> seams = List.of("loopwork.core.transport.Poller", "loopwork.core.transport.Listener",
                "loopwork.core.transport.TransportFamily");
        Set<String> behind = new TreeSet<>();
        try (Stream<Path> files = Files.walk(CLASSES)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".class") && !p.toString().contains("$")
                    && !p.getFileName().toString().equals("module-info.class")).toList()) {
                String name = CLASSES.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type = Class.forName(name, false, getClass().getClassLoader());
                for (String seam : seams) {
                    Class<?> seamType = Class.forName(seam, false, getClass().getClassLoader());
                    if (type != seamType && seamType.isAssignableFrom(type)) {
                        behind.add(type.getSimpleName());
                    }
                }
            }
        }
        assertTrue(behind.size() >= 6, "implementations found: " + behind);
        Pattern cast = Pattern.compile("\\(\\s*(" + String.join("|", behind) + ")\\s*\\)\\s*[\\w(]");
        Map<String, String> casts = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = cast.matcher(Files.readString(file));
                if (m.find()) {
                    casts.put(SOURCES.relativize(file).toString(), m.group());
                }
            }
        }
        assertEquals(Map.of(), casts, "casts to a class behind the transport seam");
    }

    @Test
    void theFinderOfCyclesFindsThem() {
        Map<String, Set<String>> graph = Map.of("a", Set.of("b"), "b", Set.of("c"), "c", Set.of("a", "d"),
                "d", Set.of());
        assertEquals(List.of(Set.of("a", "b", "c")),
                stronglyConnected(graph).stream().filter(c -> c.size() > 1).toList());
    }

    /** Class-to-class dependencies among the core's own classes, nested classes folded into their outer one. */
    static Map<String, Set<String>> dependencies() {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        int status = jdeps.run(new PrintWriter(out), new PrintWriter(out), "-verbose:class", "-filter:none",
                CLASSES.toString());
        assertEquals(0, status, out.toString());
        Pattern edge = Pattern.compile("^\\s+(loopwork\\.core\\.[\\w.$]+)\\s+->\\s+(loopwork\\.core\\.[\\w.$]+)");
        Map<String, Set<String>> graph = new HashMap<>();
        for (String line : out.toString().split("\n")) {
            Matcher m = edge.matcher(line);
            if (m.find()) {
                String from = outer(m.group(1));
                String to = outer(m.group(2));
                graph.computeIfAbsent(to, k -> new TreeSet<>());
                if (!from.equals(to)) {
                    graph.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
                }
            }
        }
        return graph;
    }

    private static String outer(String name) {
        int nested = name.indexOf('$');
        return nested < 0 ? name : name.substring(0, nested);
    }

    /** Tarjan's strongly connected components, iteratively. */
    static List<Set<String>> stronglyConnected(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<Set<String>> components = new ArrayList<>();
        int[] counter = {0};
        for (String root : new TreeSet<>(graph.keySet())) {
            if (index.containsKey(root)) {
                continue;
            }
            Deque<Object[]> work = new ArrayDeque<>();
            work.push(new Object[] {root, new ArrayList<>(graph.getOrDefault(root, Set.of())).iterator()});
            index.put(root, counter[0]);
            low.put(root, counter[0]++);
            stack.push(root);
            onStack.add(root);
            while (!work.isEmpty()) {
                Object[] frame = work.peek();
                String node = (String) frame[0];
                @SuppressWarnings("unchecked")
                java.util.Iterator<String> next = (java.util.Iterator<String>) frame[1];
                if (next.hasNext()) {
                    String to = next.next();
                    if (!index.containsKey(to)) {
                        index.put(to, counter[0]);
                        low.put(to, counter[0]++);
                        stack.push(to);
                        onStack.add(to);
                        work.push(new Object[] {to, new ArrayList<>(graph.getOrDefault(to, Set.of())).iterator()});
                    } else if (onStack.contains(to)) {
                        low.put(node, Math.min(low.get(node), index.get(to)));
                    }
                    continue;
                }
                work.pop();
                if (!work.isEmpty()) {
                    String parent = (String) work.peek()[0];
                    low.put(parent, Math.min(low.get(parent), low.get(node)));
                }
                if (low.get(node).equals(index.get(node))) {
                    Set<String> component = new TreeSet<>();
                    String member;
                    do {
                        member = stack.pop();
                        onStack.remove(member);
                        component.add(member);
                    } while (!member.equals(node));
                    components.add(component);
                }
            }
        }
        return components;
    }
}
