package dev.lora.cli;

import dev.lora.io.InputError;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Arrays;

/** Entry point: `lora <command>`. Only wiring here; the work lives in train/eval/lora. */
@Command(name = "lora", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Fine-tune GPT-2 with LoRA (low-rank adaptation), merge, evaluate and score.",
        subcommands = {TrainCommand.class, EvalCommand.class, MergeCommand.class, ScoreCommand.class,
                ExportCommand.class, GenerateCommand.class, BenchCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {

    /** Exit status for bad usage, config or input. */
    public static final int EXIT_INPUT = 2;
    /** Exit status for an internal error (a bug). */
    public static final int EXIT_INTERNAL = 1;

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces for every error.")
    boolean debug;

    @Option(names = "--verbose", scope = CommandLine.ScopeType.INHERIT,
            description = "Log more, including ND4J's start-up messages.")
    boolean verbose;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: train, eval, generate, merge, score, export or bench");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the CLI and returns the exit status (tests call this instead of main). */
    public static int run(String... args) {
        boolean debug = Arrays.asList(args).contains("--debug");
        // Logback reads these when the first logger is created, so they must be set before any logging.
        if (Arrays.asList(args).contains("--verbose")) {
            System.setProperty("lora.nd4j.level", "INFO");
            System.setProperty("lora.level", "DEBUG");
            System.setProperty("lora.spark.level", "INFO");
        }
        Main main = new Main();
        CommandLine cli = new CommandLine(main);
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> handle(ex, debug));
        cli.setExecutionStrategy(parsed -> {
            main.prepare(parsed);
            return new CommandLine.RunLast().execute(parsed);
        });
        UsageErrors.install(cli, args, EXIT_INPUT);
        return cli.execute(args);
    }

    /** For a command that computes (and was not asked for help): its option checks, then ND4J's start. */
    private void prepare(CommandLine.ParseResult parsed) {
        CommandLine.ParseResult leaf = parsed;
        boolean help = parsed.isUsageHelpRequested() || parsed.isVersionHelpRequested();
        while (leaf.hasSubcommand()) {
            leaf = leaf.subcommand();
            help |= leaf.isUsageHelpRequested() || leaf.isVersionHelpRequested();
        }
        if (help || !(leaf.commandSpec().userObject() instanceof ComputeCommand command)) return;
        try {
            command.checkOptions();
            ComputeBackend.start(verbose, debug);
        } catch (RuntimeException e) {
            // As the command's own failure, so the execution handler prints it (one line, its exit status).
            throw new CommandLine.ExecutionException(leaf.commandSpec().commandLine(), String.valueOf(e.getMessage()), e);
        }
    }

    private static int handle(Exception ex, boolean debug) {
        if (ex instanceof ComputeBackend.Unavailable) {
            System.err.println("lora: " + ex.getMessage());
            return EXIT_INTERNAL;
        }
        Throwable cause = ex;
        while (!(cause instanceof InputError) && cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        if (cause instanceof InputError) {
            System.err.println("lora: " + oneLine(cause.getMessage()));
            if (debug) ex.printStackTrace();
            return EXIT_INPUT;
        }
        System.err.println("lora: internal error: " + oneLine(String.valueOf(ex)));
        if (debug) ex.printStackTrace();
        else System.err.println("Run again with --debug for the stack trace.");
        return EXIT_INTERNAL;
    }

    private static String oneLine(String s) {
        return s == null ? "" : s.replace('\n', ' ').strip();
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[]{"lora " + (v == null ? "dev" : v)};
        }
    }
}
