package dev.lora.data;

import dev.lora.io.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** gpt2_decode.py's grouping and files, and eval.py's reading of them; expected values worked by hand. */
class GenerationEvalFilesTest {
    @TempDir
    Path dir;

    @Test
    void postProcessLowerCasesThenSplitsEveryNonWordCharacter() {
        // ' '.join(re.split('(\W)', s.lower())).split(), by hand: "'" "." and "–" are \W, "é" and "_" are \w.
        assertThat(GenerationEvalFiles.postProcess("Aarhus Airport's runway length is 2702.0."))
                .isEqualTo("aarhus airport ' s runway length is 2702 . 0 .");
        assertThat(GenerationEvalFiles.postProcess("  Café_Bar –  \"X\"\u00a0Y ")).isEqualTo("café_bar – \" x \" y");
    }

    @Test
    void cutStopsAtEndOfTextAndAtABlankLine() {
        assertThat(GenerationEvalFiles.cut(" a b \n\nc<|endoftext|>d")).isEqualTo("a b");
        assertThat(GenerationEvalFiles.cut("x<|endoftext|>\n\ny")).isEqualTo("x");
    }

    @Test
    void groupsByContextInFirstAppearanceAndFilters() {
        List<RawExample> raw = List.of(new RawExample("B", "b1", 1), new RawExample("A", "a1\n\nnot this", 2),
                new RawExample("B", "b2", 3));
        assertThat(GenerationEvalFiles.groups(raw, r -> true))
                .containsExactly(Map.entry("B", List.of("b1", "b2")), Map.entry("A", List.of("a1")));
        assertThat(GenerationEvalFiles.groups(raw, r -> r.line() != 2)).containsExactly(Map.entry("B", List.of("b1", "b2")));
    }

    @Test
    void writesPaddedReferencesThatReadBack() throws IOException {
        List<GenerationEvalFiles.Segment> segments = List.of(
                new GenerationEvalFiles.Segment("Out One.", List.of("Ref A.", "Ref B.", "Ref C.")),
                new GenerationEvalFiles.Segment("Out two", List.of("Only")));
        GenerationEvalFiles.write(dir.resolve("hypothesis"), dir.resolve("refs"), segments, 2);
        assertThat(Files.readString(dir.resolve("hypothesis"))).isEqualTo("out one .\nout two\n");
        // gpt2_decode.py keeps the first ref_num references and repeats the first where there are fewer.
        assertThat(Files.readString(dir.resolve("refs/reference0"))).isEqualTo("ref a .\nonly\n");
        assertThat(Files.readString(dir.resolve("refs/reference1"))).isEqualTo("ref b .\nonly\n");
        assertThat(dir.resolve("refs/reference2")).doesNotExist();

        GenerationEvalFiles.Texts byFolder = GenerationEvalFiles.read(dir.resolve("hypothesis"), dir.resolve("refs"));
        GenerationEvalFiles.Texts byPrefix = GenerationEvalFiles.read(dir.resolve("hypothesis"), dir.resolve("refs/reference"));
        assertThat(byFolder.hypothesis()).containsExactly("out one .", "out two");
        assertThat(byFolder.references()).containsExactly(List.of("ref a .", "only"), List.of("ref b .", "only"));
        assertThat(byPrefix).isEqualTo(byFolder);
    }

    @Test
    void refusesReferenceFilesOfAnotherLength() throws IOException {
        Files.writeString(dir.resolve("h"), "a\nb\n");
        Files.writeString(dir.resolve("reference0"), "a\n");
        assertThatThrownBy(() -> GenerationEvalFiles.read(dir.resolve("h"), dir)).isInstanceOf(InputError.class)
                .hasMessageContaining("reference0: has 1 lines but").hasMessageContaining("has 2");
        assertThatThrownBy(() -> GenerationEvalFiles.read(dir.resolve("h"), dir.resolve("none"))).isInstanceOf(InputError.class)
                .hasMessageContaining("no reference files");
    }
}
