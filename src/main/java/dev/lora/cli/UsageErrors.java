package dev.lora.cli;

import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * picocli's own usage errors in the tool's form: one line saying what was wrong and the fix (a did-you-mean for
 * commands and options, KEY=VALUE for a --set given two words), then where the help is.
 */
final class UsageErrors {
    private static final Pattern BAD_VALUE = Pattern.compile("Invalid value for (?:option|positional parameter) '([^']+)': '(.*)' is not an? (\\w+)");

    private UsageErrors() {
    }

    static String message(ParameterException ex, String[] args) {
        String help = " (see " + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help)";
        if (ex instanceof UnmatchedArgumentException u) return unmatched(u, args) + help;
        Matcher m = BAD_VALUE.matcher(ex.getMessage());
        if (m.find()) return m.group(1) + ": '" + m.group(2) + "' is not " + kind(m.group(3)) + help;
        return ex.getMessage() + help;
    }

    private static String unmatched(UnmatchedArgumentException u, String[] args) {
        List<String> unmatched = u.getUnmatched();
        String first = unmatched.isEmpty() ? "" : unmatched.get(0);
        String suggestion = u.getSuggestions().isEmpty() ? "" : "; did you mean " + String.join(" or ", u.getSuggestions()) + "?";
        boolean topLevel = u.getCommandLine().getParent() == null;
        if (first.startsWith("-")) return "unknown option '" + first + "'" + suggestion;
        for (int i = 0; i + 2 < args.length; i++) {
            if (args[i].equals("--set") && !args[i + 1].contains("=") && args[i + 2].equals(first)) {
                return "--set takes KEY=VALUE as one argument: --set " + args[i + 1] + "=" + first;
            }
        }
        if (topLevel) {
            List<String> commands = u.getCommandLine().getSubcommands().keySet().stream().filter(c -> !c.equals("help")).toList();
            return "unknown command '" + first + "'" + suggestion + (suggestion.isEmpty() ? "; " : " ") + "The commands: "
                    + String.join(", ", commands);
        }
        return "unexpected argument '" + first + "'" + suggestion;
    }

    private static String kind(String javaType) {
        return switch (javaType) {
            case "int", "long", "Integer", "Long" -> "a whole number";
            case "double", "float", "Double", "Float" -> "a number";
            default -> "a valid " + javaType;
        };
    }

    /** Installs the handler: prints the one line, exit status 2. */
    static void install(CommandLine cli, String[] args, int status) {
        cli.setParameterExceptionHandler((ex, a) -> {
            System.err.println("lora: " + message(ex, args));
            return status;
        });
    }
}
