package loopwork.server;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Options from the environment, as containers and unit files set them: each option's long name, upper case with
 * underscores, after {@value #PREFIX} ({@code --max-head} is {@code LOOPWORK_MAX_HEAD}). Picocli asks for the
 * options the command line did not give, so a flag wins. A value from here is checked as a flag's would be;
 * {@link #source} says where it came from, for the error message. An empty variable counts as unset, as
 * {@code ${VAR:-default}} does in a shell.
 *
 * <p>Not thread-safe: used on the main thread while the command line is parsed.
 */
final class EnvironmentDefaults implements CommandLine.IDefaultValueProvider {

    static final String PREFIX = "LOOPWORK_";

    private final Map<String, String> environment;
    /** Option long name to "VARIABLE='value'", for each option whose value came from here. */
    private final Map<String, String> taken = new LinkedHashMap<>();

    EnvironmentDefaults(Map<String, String> environment) {
        this.environment = environment;
    }

    /** {@code --max-head} to {@code LOOPWORK_MAX_HEAD}. */
    static String variable(OptionSpec option) {
        return PREFIX + option.longestName().replaceFirst("^-+", "").replace('-', '_').toUpperCase(Locale.ROOT);
    }

    @Override
    public String defaultValue(ArgSpec spec) {
        if (!(spec instanceof OptionSpec option) || option.usageHelp() || option.versionHelp()) {
            return null;
        }
        String name = variable(option);
        String value = environment.get(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        taken.put(option.longestName(), name + "='" + value + "'");
        return value;
    }

    /**
     * For a message about one option (it starts with the option's long name, as every {@link OptionError} and
     * picocli's own do): " (from the environment: LOOPWORK_PORT='0')" when that value came from here, else "".
     */
    String source(String message) {
        for (Map.Entry<String, String> entry : taken.entrySet()) {
            String option = entry.getKey();
            if (message.startsWith(option + " ") || message.contains("option '" + option + "'")) {
                return " (from the environment: " + entry.getValue() + ")";
            }
        }
        return "";
    }

    /** Variables with the prefix that name no option of {@code spec} (typos), except those in {@code ignored}. */
    List<String> unknown(CommandLine.Model.CommandSpec spec, List<String> ignored) {
        TreeSet<String> known = new TreeSet<>(ignored);
        for (OptionSpec option : spec.options()) {
            known.add(variable(option));
        }
        List<String> unknown = new ArrayList<>();
        for (String name : new TreeSet<>(environment.keySet())) {
            if (name.startsWith(PREFIX) && !known.contains(name)) {
                unknown.add(name);
            }
        }
        return unknown;
    }
}
