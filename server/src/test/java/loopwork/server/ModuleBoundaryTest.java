package loopwork.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleReader;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The API boundary of the modules, as the tests load them (surefire runs them on the module path, as
 * bin/loopwork does): which packages each exports, and that nothing public in an exported package takes,
 * returns, throws, extends or exposes as a field a type of a package its module does not export to everyone.
 */
class ModuleBoundaryTest {

    @Test
    void theKitExportsItsApiAndOpensItsCountersToHttpAlone() {
        ModuleDescriptor core = descriptor("loopwork.core");
        assertThat(exports(core)).isEqualTo(Map.of("loopwork.core", Set.of(),
                "loopwork.core.metrics", Set.of("loopwork.http")));
        assertThat(core.opens()).isEmpty();
        assertThat(exports(descriptor("loopwork.http"))).isEqualTo(Map.of("loopwork.http", Set.of()));
        ModuleDescriptor server = descriptor("loopwork.server");
        assertThat(exports(server)).as("its JUL manager, made by java.logging").isEqualTo(
                Map.of("loopwork.server.log", Set.of("java.logging")));
        assertThat(server.opens()).singleElement().satisfies(opens -> {
            assertThat(opens.source()).isEqualTo("loopwork.server");
            assertThat(opens.targets()).containsExactly("info.picocli");
        });
    }

    @Test
    void theServerRunsAsAModuleReadingOnlyTheKitsApi() {
        assertThat(Main.class.getModule().getName()).isEqualTo("loopwork.server");
        Module core = module("loopwork.core");
        assertThat(core.isExported("loopwork.core", Main.class.getModule())).isTrue();
        for (String internal : List.of("loopwork.core.loop", "loopwork.core.transport", "loopwork.core.epoll",
                "loopwork.core.ring", "loopwork.core.memory", "loopwork.core.log", "loopwork.core.metrics")) {
            assertThat(core.isExported(internal, Main.class.getModule())).as(internal).isFalse();
        }
        assertThat(core.isExported("loopwork.core.metrics", module("loopwork.http"))).isTrue();
    }

    @Test
    void noPublicSignatureOfAnExportedPackageNamesAnInternalType() throws IOException {
        List<String> leaks = new ArrayList<>();
        for (String name : List.of("loopwork.core", "loopwork.http")) {
            for (Class<?> type : exportedTypes(module(name))) {
                leaks.addAll(leaks(type));
            }
        }
        assertThat(leaks).isEmpty();
    }

    /** The check finds a leak where there is one: an internal class whose public method returns another. */
    @Test
    void theCheckSeesAnInternalTypeInASignature() throws ClassNotFoundException {
        Class<?> acceptLoop = Class.forName("loopwork.core.loop.AcceptLoop", false, module("loopwork.core")
                .getClassLoader());
        assertThat(leaks(acceptLoop)).anyMatch(leak -> leak.contains("stats") && leak.contains("LoopStats"));
    }

    // ---- helpers

    private static Module module(String name) {
        return ModuleLayer.boot().findModule(name).orElseThrow(() -> new AssertionError(name + " not loaded"));
    }

    private static ModuleDescriptor descriptor(String name) {
        return module(name).getDescriptor();
    }

    /** Each exported package with the modules it is exported to (none: to everyone). */
    private static Map<String, Set<String>> exports(ModuleDescriptor descriptor) {
        return descriptor.exports().stream().collect(Collectors.toMap(ModuleDescriptor.Exports::source,
                ModuleDescriptor.Exports::targets));
    }

    /** The public classes, nested ones included, of the packages {@code module} exports to everyone. */
    private static List<Class<?>> exportedTypes(Module module) throws IOException {
        List<Class<?>> types = new ArrayList<>();
        try (ModuleReader reader = ModuleLayer.boot().configuration().findModule(module.getName()).orElseThrow()
                .reference().open(); Stream<String> entries = reader.list()) {
            for (String entry : entries.filter(e -> e.endsWith(".class")).toList()) {
                String className = entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
                int dot = className.lastIndexOf('.');
                if (dot < 0 || !module.isExported(className.substring(0, dot))) {
                    continue; // module-info, or an internal package
                }
                Class<?> type = loadClass(module, className);
                if (isVisible(type)) {
                    types.add(type);
                }
            }
        }
        assertThat(types).as("public types of %s", module.getName()).isNotEmpty();
        return types;
    }

    private static Class<?> loadClass(Module module, String name) {
        try {
            return Class.forName(name, false, module.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }

    /** Public, and nested only in public types. */
    private static boolean isVisible(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getDeclaringClass()) {
            if (!Modifier.isPublic(t.getModifiers())) {
                return false;
            }
        }
        return !type.isSynthetic() && !type.isAnonymousClass() && !type.isLocalClass();
    }

    /** Each public or protected member of {@code type} whose signature names a type not exported to everyone. */
    private static List<String> leaks(Class<?> type) {
        List<String> leaks = new ArrayList<>();
        check(leaks, type.getName() + " extends", type.getGenericSuperclass());
        for (Type implemented : type.getGenericInterfaces()) {
            check(leaks, type.getName() + " implements", implemented);
        }
        for (Field field : type.getDeclaredFields()) {
            if (isApi(field.getModifiers())) {
                check(leaks, type.getName() + "." + field.getName(), field.getGenericType());
            }
        }
        List<Executable> executables = new ArrayList<>(List.of(type.getDeclaredMethods()));
        executables.addAll(List.<Constructor<?>>of(type.getDeclaredConstructors()));
        for (Executable executable : executables) {
            if (!isApi(executable.getModifiers()) || executable.isSynthetic()) {
                continue;
            }
            String where = type.getName() + "." + executable.getName();
            if (executable instanceof Method method) {
                check(leaks, where + " returns", method.getGenericReturnType());
            }
            for (Type parameter : executable.getGenericParameterTypes()) {
                check(leaks, where + " takes", parameter);
            }
            for (Type thrown : executable.getGenericExceptionTypes()) {
                check(leaks, where + " throws", thrown);
            }
        }
        return leaks;
    }

    private static boolean isApi(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static void check(List<String> leaks, String where, Type type) {
        Set<Class<?>> classes = new HashSet<>();
        named(type, classes, new HashSet<>());
        for (Class<?> named : classes) {
            Module module = named.getModule();
            if (!module.isExported(named.getPackageName())) {
                leaks.add(where + " " + named.getName() + ", internal to " + module);
            }
        }
    }

    /** The classes a generic type names: itself or its raw type, type arguments, bounds, array components. */
    private static void named(Type type, Set<Class<?>> classes, Set<Type> seen) {
        if (type == null || !seen.add(type)) {
            return; // a type variable bounded by itself (T extends Comparable<T>) is seen once
        }
        switch (type) {
            case Class<?> c when c.isArray() -> named(c.getComponentType(), classes, seen);
            case Class<?> c when !c.isPrimitive() -> classes.add(c);
            case ParameterizedType p -> {
                named(p.getRawType(), classes, seen);
                for (Type argument : p.getActualTypeArguments()) {
                    named(argument, classes, seen);
                }
            }
            case WildcardType w -> Stream.concat(Stream.of(w.getUpperBounds()), Stream.of(w.getLowerBounds()))
                    .forEach(bound -> named(bound, classes, seen));
            case GenericArrayType g -> named(g.getGenericComponentType(), classes, seen);
            case TypeVariable<?> v -> Stream.of(v.getBounds()).forEach(bound -> named(bound, classes, seen));
            default -> { }
        }
    }
}
