package dev.lora.cli;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** `lora --help` lists each command by the first line of its description, so that line must be a whole sentence. */
class HelpTest {
    @Test
    void everyCommandSummaryIsOneCompleteSentence() {
        Map<String, CommandLine> commands = new CommandLine(new Main()).getSubcommands();
        assertThat(commands).containsKeys("train", "eval", "merge", "score", "export", "bench");
        commands.forEach((name, cmd) -> {
            if (name.equals("help")) return;
            String[] description = cmd.getCommandSpec().usageMessage().description();
            assertThat(description).as(name).isNotEmpty();
            assertThat(description[0]).as("summary of %s", name).endsWith(".").doesNotContain("  ");
        });
    }

    @Test
    void topLevelHelpShowsWholeSummaries() {
        CliRun run = CliRun.lora("--help");
        assertThat(run.status()).isZero();
        // picocli wraps long summaries; what matters is that each ends where the sentence does.
        assertThat(run.out().replaceAll("\\s+", " ")).contains("write a Hugging Face GPT-2 folder.", "against references.",
                "(loralib) adapter folder.");
    }
}
