package dev.lora.reliability;

import dev.lora.cli.Main;
import dev.lora.reliability.BadInput.Call;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Each bad input of {@link BadInputCases} run through the CLI in this JVM: exit 2, exactly one stderr
 * line "lora: ...", no stack trace, naming the file (and line, key or tensor), and the very message that
 * docs/errors.md shows for it. {@code -Derrors.update=true} rewrites docs/errors.md from the messages instead.
 */
class BadInputTest {
    private static final boolean UPDATE = Boolean.getBoolean("errors.update");
    private static final Map<String, ErrorsDoc.Row> SEEN = new ConcurrentHashMap<>();

    static Stream<BadInput> cases() {
        return BadInputCases.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void rejectedWithOneClearLine(BadInput bad) throws Exception {
        Path tmp = Files.createTempDirectory("lora-bad-input-");
        try {
            Scratch s = new Scratch(tmp);
            Call call = bad.make().in(s);
            String command = normalize(s, "lora " + String.join(" ", call.args()));
            if (!call.option().isEmpty() && !trainHasOption(call.option())) {
                SEEN.put(bad.id(), new ErrorsDoc.Row(bad.id(), command, bad.problem(), normalize(s, call.preview().message())));
                Assumptions.abort(call.option() + " is not wired into lora train yet");
            }
            Cli.Result r = Cli.run(call.args().toArray(String[]::new));
            String all = "status " + r.status() + ", stderr (config dump left out): " + String.join("\n", r.errorLines());
            assertThat(r.status()).as(all).isEqualTo(Main.EXIT_INPUT);
            assertThat(r.errorLines()).as(all).hasSize(1);
            String line = r.errorLines().get(0);
            assertThat(line).as(all).startsWith("lora: ").doesNotContain("internal error", "Exception", "\tat ");
            assertThat(r.err() + r.out()).as(all).doesNotContain("\tat ", "Caused by");
            assertThat(line).as("the message names what is at fault").contains(call.mustName());
            String message = normalize(s, line);
            SEEN.put(bad.id(), new ErrorsDoc.Row(bad.id(), command, bad.problem(), message));
            if (!UPDATE) {
                ErrorsDoc.Row documented = ErrorsDoc.read().get(bad.id());
                assertThat(documented).as("docs/errors.md has no row " + bad.id()
                        + "; regenerate it with -Derrors.update=true").isNotNull();
                assertThat(documented.message()).as("docs/errors.md row " + bad.id()
                        + " differs from the CLI; regenerate it with -Derrors.update=true").isEqualTo(message);
                assertThat(documented.command()).isEqualTo(command);
                assertThat(documented.problem()).isEqualTo(bad.problem());
            }
        } finally {
            Scratch.delete(tmp);
        }
    }

    @Test
    void errorsPageListsEveryCaseOnceInOrder() {
        Assumptions.assumeFalse(UPDATE, "the page is being rewritten");
        assertThat(new ArrayList<>(ErrorsDoc.read().keySet()))
                .as("ids in docs/errors.md; regenerate it with -Derrors.update=true")
                .containsExactlyElementsOf(cases().map(BadInput::id).toList());
    }

    @AfterAll
    static void rewritePage() {
        if (!UPDATE) return;
        Map<String, List<ErrorsDoc.Row>> sections = new LinkedHashMap<>();
        BadInputCases.sections().forEach((title, cases) -> {
            List<ErrorsDoc.Row> rows = new ArrayList<>();
            for (BadInput b : cases) {
                ErrorsDoc.Row row = SEEN.get(b.id());
                if (row == null) throw new IllegalStateException("case " + b.id() + " did not run; run the whole class");
                rows.add(row);
            }
            sections.put(title, rows);
        });
        ErrorsDoc.write(ErrorsDoc.render(sections));
    }

    /** Machine-specific parts of a message replaced by placeholders, so the page reads the same everywhere. */
    static String normalize(Scratch s, String text) {
        return text.replace(s.dir().toString(), "<tmp>").replace(Scratch.FIXTURES.toString(), "<fixtures>")
                .replaceAll("pid \\d+", "pid <pid>").replaceAll("ps -p \\d+", "ps -p <pid>");
    }

    private static boolean trainHasOption(String option) {
        return new CommandLine(new Main()).getSubcommands().get("train").getCommandSpec().findOption(option) != null;
    }
}
